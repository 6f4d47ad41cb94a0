package org.t2trewrite.extension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;
import org.t2trewrite.core.directory.Freshness;
import org.t2trewrite.core.directory.MonitoredDirectory;

import reactor.core.publisher.Mono;

/**
 * James health check {@value #NAME}: whether the directory our matchers and mailets decide on
 * follows its source (WebAdmin {@code GET /healthcheck}, {@code /healthcheck/checks/t2t-directory}).
 *
 * <pre>
 * # conf/healthcheck.properties
 * additional.healthchecks=org.t2trewrite.extension.DirectoryHealthCheck
 * </pre>
 *
 * <ul>
 *   <li>healthy: the snapshot in use is current (the file loaded cleanly, Graph reached within
 *       {@code graph.staleAfter});</li>
 *   <li>degraded: an older snapshot is served (a bad edit of the directory file, or Graph not
 *       reached for longer than {@code graph.staleAfter}): mail flows, but on data that no longer
 *       follows the source; the message gives the snapshot's time, its age and the reason;</li>
 *   <li>unhealthy (HTTP 503): no snapshot at all: every mail that needs the directory goes to the
 *       {@code error} processor and back into the spool, retried until a snapshot comes or its
 *       retries run out ({@code kept/retries-exhausted}).</li>
 * </ul>
 *
 * <p>James instantiates it through our Guice module ({@code extensions.properties}), so it reads
 * the very directory the mail path uses. Reads memory only: no I/O, no call to Graph.
 */
public final class DirectoryHealthCheck implements HealthCheck {
    static final String NAME = "t2t-directory";
    private static final ComponentName COMPONENT = new ComponentName(NAME);

    private final MonitoredDirectory directory;
    private final Clock clock;

    @Inject
    public DirectoryHealthCheck(MonitoredDirectory directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromSupplier(this::result);
    }

    private Result result() {
        Freshness freshness = directory.freshness();
        switch (freshness.state()) {
            case CURRENT:
                return Result.healthy(COMPONENT);
            case STALE:
                Instant asOf = freshness.asOf().orElseThrow();
                return Result.degraded(COMPONENT, "serving an old directory snapshot (as of " + asOf + ", age "
                    + wholeSeconds(Duration.between(asOf, clock.instant())) + "): " + freshness.reason().orElseThrow());
            case NONE:
                return Result.unhealthy(COMPONENT, "no directory snapshot, mail that needs the directory waits for a retry: "
                    + freshness.reason().orElseThrow());
            default:
                throw new IllegalStateException("unknown directory state " + freshness.state());
        }
    }

    private static Duration wholeSeconds(Duration duration) {
        return Duration.ofSeconds(duration.getSeconds());
    }
}
