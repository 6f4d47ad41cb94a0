package org.t2trewrite.core.directory;

/**
 * A {@link Directory} that can say how current the snapshot it serves is: what a health check
 * reads. The mail path asks {@link #snapshot()} only.
 *
 * <p>A separate port rather than a method of {@link Directory}: deciding about a mail needs a
 * snapshot and nothing else, and the many single-method directories of the tests stay lambdas.
 */
public interface MonitoredDirectory extends Directory {

    /** Computed from memory, never by I/O: cheap enough to call on every health probe. */
    Freshness freshness();
}
