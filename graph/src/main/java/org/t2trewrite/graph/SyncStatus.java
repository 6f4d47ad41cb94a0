package org.t2trewrite.graph;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.google.common.collect.ImmutableList;

/**
 * How current the Graph directory is: when it last synced, how its last attempts failed, whether the
 * snapshot it serves is older than {@code graph.staleAfter}, and the directory problems found in Entra ID
 * (people left out of the snapshot, groups not found). A value: taken at one moment, never updated.
 */
public final class SyncStatus {
    private final Optional<Instant> lastSuccess;
    private final Optional<Instant> snapshotAsOf;
    private final int consecutiveFailures;
    private final Optional<String> lastFailure;
    private final boolean stale;
    private final List<String> problems;

    SyncStatus(Optional<Instant> lastSuccess, Optional<Instant> snapshotAsOf, int consecutiveFailures,
               Optional<String> lastFailure, boolean stale, List<String> problems) {
        this.lastSuccess = Objects.requireNonNull(lastSuccess);
        this.snapshotAsOf = Objects.requireNonNull(snapshotAsOf);
        this.consecutiveFailures = consecutiveFailures;
        this.lastFailure = Objects.requireNonNull(lastFailure);
        this.stale = stale;
        this.problems = ImmutableList.copyOf(problems);
    }

    /** The end of the last sync cycle that reached Graph successfully (since this process started). */
    public Optional<Instant> lastSuccess() {
        return lastSuccess;
    }

    /** When the content of the served snapshot was read; empty when there is none. */
    public Optional<Instant> snapshotAsOf() {
        return snapshotAsOf;
    }

    public boolean hasSnapshot() {
        return snapshotAsOf.isPresent();
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** The message of the latest failure, if the latest cycle failed. */
    public Optional<String> lastFailure() {
        return lastFailure;
    }

    /** No snapshot, or the data is older than {@code graph.staleAfter}: Graph has not been reached for that long. */
    public boolean isStale() {
        return stale;
    }

    /** How old the data is at {@code now}: since the last success, else since the persisted snapshot was read. */
    public Optional<Duration> age(Instant now) {
        return lastSuccess.or(() -> snapshotAsOf).map(since -> Duration.between(since, now));
    }

    public List<String> problems() {
        return problems;
    }

    @Override
    public String toString() {
        return "graph directory " + (stale ? "STALE" : "current") + ", last success " + lastSuccess.map(Instant::toString).orElse("never")
            + ", snapshot of " + snapshotAsOf.map(Instant::toString).orElse("none") + ", " + consecutiveFailures + " failures"
            + lastFailure.map(message -> " (" + message + ")").orElse("") + ", " + problems.size() + " problems";
    }
}
