package org.t2trewrite.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.junit.jupiter.api.Test;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.core.directory.Tenants;

class CountingDirectoryTest {
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();

    @Test
    void countsEachTimeTheDirectoryCannotAnswerAndPassesTheFailureOn() {
        CountingDirectory directory = new CountingDirectory(() -> {
            throw new DirectoryUnavailableException("no snapshot yet");
        }, metrics.generate(CountingDirectory.METRIC));

        assertThatThrownBy(directory::snapshot).isInstanceOf(DirectoryUnavailableException.class).hasMessage("no snapshot yet");
        assertThatThrownBy(directory::snapshot).isInstanceOf(DirectoryUnavailableException.class);

        assertThat(metrics.countFor("t2t_mail_directory_unavailable")).isEqualTo(2);
    }

    @Test
    void countsNothingWhileItAnswers() throws Exception {
        DirectorySnapshot snapshot = DirectorySnapshot.of(Tenants.of(Set.of(Domain.of("source.example")),
            Set.of(Domain.of("target.example"))), List.of(), Instant.EPOCH);
        CountingDirectory directory = new CountingDirectory(() -> snapshot, metrics.generate(CountingDirectory.METRIC));

        assertThat(directory.snapshot()).isSameAs(snapshot);
        assertThat(metrics.countFor("t2t_mail_directory_unavailable")).isZero();
    }
}
