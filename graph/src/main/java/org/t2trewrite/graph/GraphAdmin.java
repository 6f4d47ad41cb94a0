package org.t2trewrite.graph;

import java.io.Closeable;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import org.t2trewrite.core.Group;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;

/**
 * One-shot administration of a Graph configuration, for the command line (the CLI's
 * {@code graph-check}): authenticate to each tenant, find or create the eligibility groups, run one
 * full sync and read what it found. Nothing runs in the background: each call talks to Graph when
 * it is made.
 *
 * <p>Does not print, parse options or choose exit codes; that is the CLI's job. Failures are
 * {@link RuntimeException}s from the Graph SDK or {@link GraphAuthenticationException}, with a
 * message that names the tenant or request and never a secret.
 */
public final class GraphAdmin implements Closeable {
    private final GraphDirectory directory;

    private GraphAdmin(GraphDirectory directory) {
        this.directory = directory;
    }

    public static GraphAdmin open(GraphDirectoryConfig config) {
        return new GraphAdmin(GraphDirectory.manual(config, duration -> Thread.sleep(duration.toMillis()), Clock.systemUTC()));
    }

    public void authenticate(Tenant tenant) {
        directory.client(tenant).authenticate();
    }

    /** The id of the group with this display name (or id) in the tenant. */
    public Optional<String> findGroup(Tenant tenant, String nameOrId) {
        return directory.client(tenant).findGroup(nameOrId);
    }

    /** Creates a security group; returns its id. */
    public String createGroup(Tenant tenant, String displayName) {
        return directory.client(tenant).createGroup(displayName);
    }

    /** One full sync; false when it failed ({@link #status()} says why). */
    public boolean syncOnce() {
        return directory.syncOnce();
    }

    public SyncStatus status() {
        return directory.status();
    }

    /** Transitive user members per tenant and group, as of the last sync. */
    public Map<Tenant, Map<Group, Integer>> memberCounts() {
        return directory.memberCounts();
    }

    public DirectorySnapshot snapshot() throws DirectoryUnavailableException {
        return directory.snapshot();
    }

    @Override
    public void close() {
        directory.close();
    }
}
