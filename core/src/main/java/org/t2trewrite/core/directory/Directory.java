package org.t2trewrite.core.directory;

/**
 * The port every matcher and mailet asks "who is this address". Implementations (a watched file,
 * Microsoft Graph) keep an in-memory {@link DirectorySnapshot} current in the background; this
 * call only hands out the latest one, so the mail path never waits on I/O or network.
 *
 * <p>One snapshot per mail keeps every decision about that mail consistent even if the
 * directory changes while it is processed.
 */
public interface Directory {

    /**
     * The latest good snapshot.
     *
     * @throws DirectoryUnavailableException when there is none (not loaded yet, or never could be);
     *         callers must defer or keep the mail, never treat it as "nobody is eligible"
     */
    DirectorySnapshot snapshot() throws DirectoryUnavailableException;
}
