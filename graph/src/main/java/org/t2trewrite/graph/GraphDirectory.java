package org.t2trewrite.graph;

import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.core.directory.Freshness;
import org.t2trewrite.core.directory.MonitoredDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableList;
import com.microsoft.graph.BaseGraphServiceClient;
import com.microsoft.graph.core.requests.BaseGraphRequestAdapter;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.RequestAdapter;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.http.KiotaClientFactory;
import com.microsoft.kiota.http.middleware.RetryHandler;
import com.microsoft.kiota.store.InMemoryBackingStoreFactory;

import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * The directory backed by Microsoft Graph: a background thread keeps an in-memory {@link DirectorySnapshot}
 * in step with both tenants (a full read at start, then delta queries every {@code graph.syncInterval}, see
 * {@link GraphSync}); {@link #snapshot()} only hands out the latest one, so the mail path makes no Graph call.
 *
 * <p>On failure: a failed cycle keeps the last good snapshot and retries with exponential back-off (from the
 * sync interval up to one minute, longer when Graph's {@code Retry-After} asks for it). Each new snapshot is
 * written to {@code graph.snapshotFile}; at start that file is served until the first sync succeeds, so a
 * restart during an outage keeps working. With no snapshot at all, {@link #snapshot()} throws
 * {@link DirectoryUnavailableException}, never an empty directory. {@link #status()} tells how stale the
 * snapshot is, {@link #freshness()} the same in the terms of every directory (a failed cycle alone is not
 * stale: only {@code graph.staleAfter} without reaching Graph is); staleness and recovery are also logged,
 * once per change.
 *
 * <p>Does not page, cache or call Graph on the mail path, and does not write anything to Entra ID
 * ({@code graph-check --create-groups} does, on request).
 */
public final class GraphDirectory implements MonitoredDirectory, Closeable {
    static final Duration STALE_REMINDER = Duration.ofMinutes(10);
    private static final Logger LOGGER = LoggerFactory.getLogger(GraphDirectory.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final int PROBLEMS_LOGGED = 20;

    private final GraphDirectoryConfig config;
    private final Clock clock;
    private final OkHttpClient http;
    private final Map<Tenant, GraphTenantClient> clients;
    private final GraphSync sync;
    private final Optional<SnapshotFile> snapshotFile;
    private final ScheduledExecutorService executor;
    private volatile DirectorySnapshot current;
    private volatile Instant lastSuccess;
    private volatile String lastFailure;
    private volatile int consecutiveFailures;
    private volatile List<String> problems = ImmutableList.of();
    private volatile boolean closed;
    /** When STALE was last logged; null while the directory is not stale. */
    private Instant staleReportedAt;
    private Duration nextDelay;

    private GraphDirectory(GraphDirectoryConfig config, RetryInterceptor.Sleeper sleeper, Clock clock) {
        this.config = Objects.requireNonNull(config);
        this.clock = Objects.requireNonNull(clock);
        this.http = httpClient(config, sleeper);
        this.clients = new EnumMap<>(Tenant.class);
        for (Tenant tenant : Tenant.values()) {
            clients.put(tenant, tenantClient(config, tenant, http, clock));
        }
        this.sync = new GraphSync(config, clients, clock);
        this.snapshotFile = config.snapshotFile().map(SnapshotFile::new);
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "t2t-graph-sync");
            thread.setDaemon(true);
            return thread;
        });
        this.nextDelay = config.syncInterval();
        if (!config.exemptions().isEmpty()) {
            LOGGER.info("Graph directory: never rewritten: senders {}, recipients {}, domains {}",
                config.exemptions().senders(), config.exemptions().recipients(), config.exemptions().domains());
        }
        snapshotFile.ifPresent(this::loadPersisted);
    }

    /**
     * Creates the directory and starts syncing in the background; returns at once (the persisted snapshot, if
     * any, is served until the first sync completes). Close it to stop the sync thread.
     */
    public static GraphDirectory start(GraphDirectoryConfig config) {
        GraphDirectory directory = new GraphDirectory(config, duration -> Thread.sleep(duration.toMillis()), Clock.systemUTC());
        directory.executor.execute(directory::runAndReschedule);
        return directory;
    }

    /** A directory that syncs only when {@link #syncOnce()} is called: for tests and one-shot checks. */
    static GraphDirectory manual(GraphDirectoryConfig config, RetryInterceptor.Sleeper sleeper, Clock clock) {
        return new GraphDirectory(config, sleeper, clock);
    }

    static OkHttpClient httpClient(GraphDirectoryConfig config, RetryInterceptor.Sleeper sleeper) {
        List<Interceptor> interceptors = new ArrayList<>();
        for (Interceptor interceptor : GraphClientFactory.createDefaultGraphInterceptors(new RequestOption[0])) {
            // Ours replaces it: it honours Retry-After exactly and its waits are visible to tests.
            if (!(interceptor instanceof RetryHandler)) {
                interceptors.add(interceptor);
            }
        }
        interceptors.add(new RetryInterceptor(sleeper));
        // KiotaClientFactory, not GraphClientFactory.create: the latter's overloads name azure-core types.
        return KiotaClientFactory.create(interceptors)
            .connectTimeout(config.requestTimeout())
            .readTimeout(config.requestTimeout())
            .writeTimeout(config.requestTimeout())
            .build();
    }

    static GraphTenantClient tenantClient(GraphDirectoryConfig config, Tenant tenant, OkHttpClient http, Clock clock) {
        ClientCredentialsAuthenticationProvider authentication = new ClientCredentialsAuthenticationProvider(
            config.tenant(tenant), config.authorityUrl(), config.baseUrl(), http, clock);
        // What GraphServiceClient(AuthenticationProvider, OkHttpClient) builds. GraphServiceClient itself cannot be
        // named: javac must resolve its constructors, and one mentions azure-core's TokenCredential, excluded here.
        // The base URL must be set before the client is made: the client copies it into every request path.
        RequestAdapter adapter = new BaseGraphRequestAdapter(authentication, (BaseGraphRequestAdapter.Clouds) null, "v1.0", http);
        adapter.setBaseUrl(config.baseUrl().toString());
        BaseGraphServiceClient client = new BaseGraphServiceClient(adapter, new InMemoryBackingStoreFactory());
        return new GraphTenantClient(config.tenant(tenant), client, config.baseUrl().toString(), config.match(), authentication);
    }

    private void loadPersisted(SnapshotFile file) {
        try {
            Optional<DirectorySnapshot> persisted = file.read();
            if (persisted.isPresent()) {
                // The configured exceptions, not those the file recorded: the configuration may have changed since.
                current = persisted.get().withExemptions(config.exemptions());
                LOGGER.info("Graph directory: serving {} people from {} (as of {}) until the first sync",
                    current.people().size(), file.path(), current.asOf());
            }
        } catch (IOException e) {
            LOGGER.warn("Graph directory: ignoring unreadable snapshot file: {}", e.getMessage());
        }
    }

    @Override
    public DirectorySnapshot snapshot() throws DirectoryUnavailableException {
        DirectorySnapshot snapshot = current;
        if (snapshot == null) {
            String failure = lastFailure;
            throw new DirectoryUnavailableException("no Graph directory snapshot yet"
                + (failure == null ? " (first sync not finished)" : ": " + failure));
        }
        return snapshot;
    }

    public SyncStatus status() {
        DirectorySnapshot snapshot = current;
        Optional<Instant> success = Optional.ofNullable(lastSuccess);
        Optional<Instant> asOf = Optional.ofNullable(snapshot).map(DirectorySnapshot::asOf);
        return new SyncStatus(success, asOf, consecutiveFailures, Optional.ofNullable(lastFailure),
            isStale(success, asOf), problems);
    }

    @Override
    public Freshness freshness() {
        SyncStatus status = status();
        if (!status.hasSnapshot()) {
            return Freshness.none("no Graph directory snapshot yet"
                + status.lastFailure().map(failure -> ": " + failure).orElse(" (first sync not finished)"));
        }
        Instant asOf = status.lastSuccess().or(status::snapshotAsOf).orElseThrow();
        if (status.isStale()) {
            return Freshness.stale(asOf, "Graph not reached for more than " + config.staleAfter()
                + (status.consecutiveFailures() == 0 ? " (first sync not finished)"
                    : " (" + status.consecutiveFailures() + " failed attempts, last: "
                        + status.lastFailure().orElse("none") + ")"));
        }
        return Freshness.current(asOf);
    }

    private boolean isStale(Optional<Instant> success, Optional<Instant> asOf) {
        Optional<Instant> since = success.or(() -> asOf);
        return since.isEmpty() || Duration.between(since.get(), clock.instant()).compareTo(config.staleAfter()) > 0;
    }

    /**
     * Runs one sync cycle now, on the caller's thread.
     *
     * @return true when Graph was reached and the snapshot is current
     */
    synchronized boolean syncOnce() {
        try {
            Optional<SnapshotBuilder.Result> result = sync.cycle();
            result.ifPresent(this::publish);
            succeeded();
            return true;
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
    }

    private void publish(SnapshotBuilder.Result result) {
        DirectorySnapshot snapshot = result.snapshot().withExemptions(config.exemptions());
        current = snapshot;
        if (!result.problems().equals(problems)) {
            logProblems(result.problems());
        }
        problems = result.problems();
        LOGGER.info("Graph directory: {} people, {} DayOne, {} DayTwo, {} in both groups",
            snapshot.people().size(), count(snapshot, Eligibility.DAY_ONE), count(snapshot, Eligibility.DAY_TWO),
            snapshot.conflicts().size());
        snapshotFile.ifPresent(file -> {
            try {
                file.write(snapshot);
            } catch (IOException e) {
                LOGGER.warn("Graph directory: cannot write {}: a restart during a Graph outage would have no snapshot: {}",
                    file.path(), e.toString());
            }
        });
    }

    private static long count(DirectorySnapshot snapshot, Eligibility eligibility) {
        return snapshot.people().stream().filter(person -> person.eligibility() == eligibility).count();
    }

    private static void logProblems(List<String> problems) {
        if (problems.isEmpty()) {
            LOGGER.info("Graph directory: no directory problems left");
            return;
        }
        LOGGER.warn("Graph directory: {} problems in Entra ID data (those people are not rewritten){}", problems.size(),
            problems.size() > PROBLEMS_LOGGED ? ", first " + PROBLEMS_LOGGED + ":" : ":");
        problems.stream().limit(PROBLEMS_LOGGED).forEach(problem -> LOGGER.warn("  {}", problem));
    }

    private void succeeded() {
        if (consecutiveFailures > 0) {
            LOGGER.info("Graph directory: sync recovered after {} failed attempts", consecutiveFailures);
        }
        lastSuccess = clock.instant();
        lastFailure = null;
        consecutiveFailures = 0;
        staleReportedAt = null;
        nextDelay = config.syncInterval();
    }

    private void failed(RuntimeException e) {
        consecutiveFailures++;
        lastFailure = describe(e);
        DirectorySnapshot snapshot = current;
        if (consecutiveFailures == 1) {
            LOGGER.warn("Graph directory: sync failed, {}: {}", snapshot == null ? "no snapshot yet (mail is deferred)"
                : "keeping the snapshot of " + snapshot.asOf(), lastFailure);
            LOGGER.debug("Graph directory: sync failure", e);
        }
        Instant now = clock.instant();
        if (status().isStale() && (staleReportedAt == null
            || !Duration.between(staleReportedAt, now).minus(STALE_REMINDER).isNegative())) {
            // Said again every STALE_REMINDER while it lasts: one line at the start of a long outage is easy to miss.
            staleReportedAt = now;
            LOGGER.warn("Graph directory: STALE, Graph not reached for more than {} ({} failed attempts, last: {})",
                config.staleAfter(), consecutiveFailures, lastFailure);
        }
        Duration backoff = config.syncInterval().multipliedBy(1L << Math.min(consecutiveFailures, 10));
        backoff = backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
        Optional<Duration> retryAfter = retryAfter(e);
        nextDelay = retryAfter.isPresent() && retryAfter.get().compareTo(backoff) > 0 ? retryAfter.get() : backoff;
    }

    private static String describe(Throwable e) {
        if (e instanceof ApiException) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            return "Graph answered HTTP " + ((ApiException) e).getResponseStatusCode() + (message.isEmpty() ? "" : ": " + message);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getMessage() == null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    private static Optional<Duration> retryAfter(Throwable e) {
        if (e instanceof ApiException && ((ApiException) e).getResponseHeaders() != null) {
            java.util.Set<String> values = ((ApiException) e).getResponseHeaders().get("Retry-After");
            if (values != null && !values.isEmpty()) {
                return RetryInterceptor.retryAfter(values.iterator().next(), Instant.now());
            }
        }
        return Optional.empty();
    }

    private void runAndReschedule() {
        if (closed) {
            return;
        }
        syncOnce();
        if (!closed) {
            executor.schedule(this::runAndReschedule, nextDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Counts of transitive members per tenant and group, as of the last sync: for reports. */
    Map<Tenant, Map<Group, Integer>> memberCounts() {
        return sync.memberCounts();
    }

    Map<Tenant, Map<Group, Optional<String>>> groupIds() {
        return sync.groupIds();
    }

    GraphTenantClient client(Tenant tenant) {
        return clients.get(tenant);
    }

    int fullSyncs() {
        return sync.fullSyncs();
    }

    /** Stops the sync thread and releases HTTP connections; the last snapshot stays readable. */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOGGER.warn("Graph directory: sync thread did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return config.toString();
    }
}
