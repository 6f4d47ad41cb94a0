package org.t2trewrite.core.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/**
 * What every {@link MonitoredDirectory} must say about itself, besides the {@link DirectoryContract}:
 * a directory that answers from a followed source is current, one that cannot answer says so
 * and why. An implementation's test implements this interface instead of {@link DirectoryContract}.
 */
public interface MonitoredDirectoryContract extends DirectoryContract {

    @Override
    MonitoredDirectory directoryWith(DirectoryFixture fixture) throws Exception;

    @Override
    MonitoredDirectory unavailableDirectory() throws Exception;

    @Test
    default void isCurrentAsOfNoEarlierThanTheSnapshotItServes() throws Exception {
        MonitoredDirectory directory = directoryWith(DirectoryFixture.standard());

        Instant snapshotAsOf = directory.snapshot().asOf();

        Freshness freshness = directory.freshness();

        assertThat(freshness.state()).isEqualTo(Freshness.State.CURRENT);
        assertThat(freshness.asOf()).hasValueSatisfying(asOf -> assertThat(asOf)
            .isAfterOrEqualTo(snapshotAsOf).isBeforeOrEqualTo(Instant.now()));
        assertThat(freshness.reason()).isEmpty();
    }

    @Test
    default void saysWhyWhenItCannotAnswer() throws Exception {
        MonitoredDirectory directory = unavailableDirectory();

        Freshness freshness = directory.freshness();

        assertThat(freshness.state()).isEqualTo(Freshness.State.NONE);
        assertThat(freshness.reason()).hasValueSatisfying(reason -> assertThat(reason).isNotBlank());
    }
}
