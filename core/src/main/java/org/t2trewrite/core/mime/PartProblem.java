package org.t2trewrite.core.mime;

import java.util.Objects;

/**
 * A MIME part (or a part of one) that a rewrite left exactly as it was, and why: for logs and
 * tests. {@code part} names the place, e.g. {@code part 2.1 text/calendar}; part numbers are
 * IMAP's (RFC 3501 §6.4.5): the children of a multipart are 1, 2, ..., nested ones 2.1, and
 * the body of a message that is not multipart is part 1.
 */
public final class PartProblem {
    private final String part;
    private final String reason;

    private PartProblem(String part, String reason) {
        this.part = Objects.requireNonNull(part, "part");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public static PartProblem of(String part, String reason) {
        return new PartProblem(part, reason);
    }

    public String part() {
        return part;
    }

    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartProblem && ((PartProblem) o).part.equals(part) && ((PartProblem) o).reason.equals(reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(part, reason);
    }

    @Override
    public String toString() {
        return part + ": " + reason;
    }
}
