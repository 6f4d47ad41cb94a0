package org.t2trewrite.core.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class FreshnessTest {
    private static final Instant READ = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void staleSnapshotKeepsItsTimeAndReason() {
        Freshness stale = Freshness.stale(READ, "directory.json line 3: unexpected ','");

        assertThat(stale.state()).isEqualTo(Freshness.State.STALE);
        assertThat(stale.age(READ.plus(Duration.ofMinutes(7)))).contains(Duration.ofMinutes(7));
        assertThat(stale.reason()).contains("directory.json line 3: unexpected ','");
    }

    @Test
    void noSnapshotHasNoAge() {
        Freshness none = Freshness.none("first Graph sync not finished");

        assertThat(none.state()).isEqualTo(Freshness.State.NONE);
        assertThat(none.asOf()).isEmpty();
        assertThat(none.age(READ)).isEmpty();
    }

    @Test
    void staleOrMissingNeedsAReason() {
        assertThatThrownBy(() -> Freshness.stale(READ, " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Freshness.none("")).isInstanceOf(IllegalArgumentException.class);
    }
}
