package org.t2trewrite.core.directory;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How current the snapshot a directory serves is, at one moment: {@link State#CURRENT} (its
 * source was read successfully and is followed), {@link State#STALE} (an older snapshot is served
 * because the source cannot be used now, with the reason) or {@link State#NONE} (no snapshot at
 * all: every mail that needs the directory is kept, with the reason).
 *
 * <p>A value: it does not update itself, and it says nothing about whether the directory's
 * content is right, only whether it follows its source. What is "too old" is the directory's
 * decision (a file directory is stale from the first bad edit, a Graph directory after
 * {@code graph.staleAfter} without reaching Graph), not the reader's.
 */
public final class Freshness {
    public enum State { CURRENT, STALE, NONE }

    private final State state;
    private final Optional<Instant> asOf;
    private final Optional<String> reason;

    private Freshness(State state, Optional<Instant> asOf, Optional<String> reason) {
        this.state = state;
        this.asOf = asOf;
        this.reason = reason;
    }

    /** The served snapshot follows its source; its data was last known to match it at {@code asOf}. */
    public static Freshness current(Instant asOf) {
        return new Freshness(State.CURRENT, Optional.of(Objects.requireNonNull(asOf, "asOf")), Optional.empty());
    }

    /** An older snapshot, last known to match its source at {@code asOf}, is served because of {@code reason}. */
    public static Freshness stale(Instant asOf, String reason) {
        return new Freshness(State.STALE, Optional.of(Objects.requireNonNull(asOf, "asOf")), Optional.of(requireText(reason)));
    }

    /** No snapshot is served, because of {@code reason}. */
    public static Freshness none(String reason) {
        return new Freshness(State.NONE, Optional.empty(), Optional.of(requireText(reason)));
    }

    private static String requireText(String reason) {
        if (Objects.requireNonNull(reason, "reason").isBlank()) {
            throw new IllegalArgumentException("a stale or missing snapshot needs a reason");
        }
        return reason;
    }

    public State state() {
        return state;
    }

    /**
     * When the served data was last known to match its source (read from the file, confirmed by a
     * Graph sync); empty for {@link State#NONE}.
     */
    public Optional<Instant> asOf() {
        return asOf;
    }

    /** Why the snapshot is stale or missing; empty for {@link State#CURRENT}. */
    public Optional<String> reason() {
        return reason;
    }

    /** How old the served snapshot's data is at {@code now}; empty for {@link State#NONE}. */
    public Optional<Duration> age(Instant now) {
        return asOf.map(asOf -> Duration.between(asOf, now));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Freshness)) {
            return false;
        }
        Freshness other = (Freshness) o;
        return state == other.state && asOf.equals(other.asOf) && reason.equals(other.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(state, asOf, reason);
    }

    @Override
    public String toString() {
        return state + asOf.map(asOf -> " as of " + asOf).orElse("") + reason.map(why -> ": " + why).orElse("");
    }
}
