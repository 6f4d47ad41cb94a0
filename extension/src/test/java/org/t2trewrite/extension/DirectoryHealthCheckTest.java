package org.t2trewrite.extension;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.james.core.healthcheck.Result;
import org.apache.james.core.healthcheck.ResultStatus;
import org.junit.jupiter.api.Test;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.core.directory.Freshness;
import org.t2trewrite.core.directory.MonitoredDirectory;

import reactor.core.publisher.Mono;

class DirectoryHealthCheckTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** A directory in a given state: the health check reads nothing but its freshness. */
    private static final class DirectoryIn implements MonitoredDirectory {
        private final Freshness freshness;

        DirectoryIn(Freshness freshness) {
            this.freshness = freshness;
        }

        @Override
        public Freshness freshness() {
            return freshness;
        }

        @Override
        public DirectorySnapshot snapshot() throws DirectoryUnavailableException {
            throw new DirectoryUnavailableException("not used by the health check");
        }
    }

    private static Result check(Freshness freshness) {
        return Mono.from(new DirectoryHealthCheck(new DirectoryIn(freshness), CLOCK).check()).block();
    }

    @Test
    void isHealthyWhileTheSnapshotIsCurrent() {
        Result result = check(Freshness.current(NOW.minusSeconds(3600)));

        assertThat(result.getStatus()).isEqualTo(ResultStatus.HEALTHY);
        assertThat(result.getComponentName().getName()).isEqualTo("t2t-directory");
    }

    @Test
    void isDegradedWithTheSnapshotsAgeAndTheReasonWhileAnOldSnapshotIsServed() {
        Result result = check(Freshness.stale(NOW.minusSeconds(754),
            "invalid directory file: /etc/t2t/directory.json:1:2: malformed JSON"));

        assertThat(result.getStatus()).isEqualTo(ResultStatus.DEGRADED);
        assertThat(result.getCause()).contains("serving an old directory snapshot (as of 2026-12-01T09:47:26Z, age PT12M34S): "
            + "invalid directory file: /etc/t2t/directory.json:1:2: malformed JSON");
    }

    @Test
    void isUnhealthyWithoutAnySnapshotSayingMailIsKept() {
        Result result = check(Freshness.none("no Graph directory snapshot yet: Graph answered HTTP 503"));

        assertThat(result.getStatus()).isEqualTo(ResultStatus.UNHEALTHY);
        assertThat(result.getCause()).hasValueSatisfying(cause -> assertThat(cause)
            .contains("waits for a retry").endsWith("no Graph directory snapshot yet: Graph answered HTTP 503"));
    }
}
