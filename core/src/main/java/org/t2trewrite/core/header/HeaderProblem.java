package org.t2trewrite.core.header;

import java.util.Objects;

/** A header field that should have been rewritten but could not be parsed, and so was left exactly as it was. */
public final class HeaderProblem {
    private final String fieldName;
    private final String reason;

    private HeaderProblem(String fieldName, String reason) {
        this.fieldName = Objects.requireNonNull(fieldName, "fieldName");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public static HeaderProblem of(String fieldName, String reason) {
        return new HeaderProblem(fieldName, reason);
    }

    /** The field name as written in the message. */
    public String fieldName() {
        return fieldName;
    }

    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderProblem && ((HeaderProblem) o).fieldName.equals(fieldName)
            && ((HeaderProblem) o).reason.equals(reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fieldName, reason);
    }

    @Override
    public String toString() {
        return fieldName + ": " + reason;
    }
}
