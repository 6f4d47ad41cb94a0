package org.t2trewrite.core.header;

import java.util.Objects;

import org.t2trewrite.core.Address;

/** One address replaced in one header field: for logs, metrics and tests. */
public final class Replacement {
    private final String fieldName;
    private final Address before;
    private final Address after;

    private Replacement(String fieldName, Address before, Address after) {
        this.fieldName = Objects.requireNonNull(fieldName, "fieldName");
        this.before = Objects.requireNonNull(before, "before");
        this.after = Objects.requireNonNull(after, "after");
    }

    public static Replacement of(String fieldName, Address before, Address after) {
        return new Replacement(fieldName, before, after);
    }

    /** The field name as written in the message. */
    public String fieldName() {
        return fieldName;
    }

    public Address before() {
        return before;
    }

    public Address after() {
        return after;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Replacement)) {
            return false;
        }
        Replacement other = (Replacement) o;
        return fieldName.equals(other.fieldName) && before.toString().equals(other.before.toString())
            && after.toString().equals(other.after.toString());
    }

    @Override
    public int hashCode() {
        return Objects.hash(fieldName, before.toString(), after.toString());
    }

    @Override
    public String toString() {
        return fieldName + ": " + before + " -> " + after;
    }
}
