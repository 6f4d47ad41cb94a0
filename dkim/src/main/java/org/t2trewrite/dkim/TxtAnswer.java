package org.t2trewrite.dkim;

import java.util.List;
import java.util.Objects;

import com.google.common.collect.ImmutableList;

/**
 * What a TXT look-up answered: records found, none (the name does not exist or has no TXT
 * record), or a temporary failure (time-out, server failure, the mail's DNS budget spent), which
 * verification reports as {@code temperror} (RFC 8601 §2.7.1) and never as "no record".
 */
public final class TxtAnswer {
    /** The three outcomes. */
    public enum Kind { FOUND, NONE, TEMPORARY_FAILURE }

    private final Kind kind;
    private final List<String> records;
    private final String failure;

    private TxtAnswer(Kind kind, List<String> records, String failure) {
        this.kind = kind;
        this.records = records;
        this.failure = failure;
    }

    public static TxtAnswer found(List<String> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("found needs at least one record; use none()");
        }
        return new TxtAnswer(Kind.FOUND, ImmutableList.copyOf(records), "");
    }

    public static TxtAnswer none() {
        return new TxtAnswer(Kind.NONE, ImmutableList.of(), "");
    }

    public static TxtAnswer temporaryFailure(String why) {
        return new TxtAnswer(Kind.TEMPORARY_FAILURE, ImmutableList.of(), Objects.requireNonNull(why, "why"));
    }

    public Kind kind() {
        return kind;
    }

    /** The records, each record's character-strings joined (RFC 6376 §3.6.2.2); empty unless found. */
    public List<String> records() {
        return records;
    }

    /** Why the look-up failed; empty unless it did. */
    public String failure() {
        return failure;
    }

    @Override
    public String toString() {
        return kind == Kind.FOUND ? records.toString() : kind == Kind.NONE ? "none" : "temporary failure: " + failure;
    }
}
