package org.t2trewrite.core.calendar;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.t2trewrite.core.header.Replacement;

/**
 * What {@link CalendarEditor#edit} did to one calendar: the new bytes, the addresses it
 * replaced, and the content lines it left as they were because they could not be edited
 * safely (each with its reason).
 */
public final class CalendarEdit {
    private final byte[] content;
    private final boolean changed;
    private final List<Replacement> replacements;
    private final List<String> problems;

    CalendarEdit(byte[] content, boolean changed, List<Replacement> replacements, List<String> problems) {
        this.content = Objects.requireNonNull(content, "content");
        this.changed = changed;
        this.replacements = Collections.unmodifiableList(new ArrayList<>(replacements));
        this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
    }

    /** The edited calendar; the very input array when nothing changed. Callers must not write it. */
    public byte[] content() {
        return content;
    }

    /** True when at least one byte differs from the input. */
    public boolean changed() {
        return changed;
    }

    public List<Replacement> replacements() {
        return replacements;
    }

    /** Lines (or the whole calendar) left as they were, and why, e.g. {@code line 12 ATTENDEE: unterminated quoted parameter value}. */
    public List<String> problems() {
        return problems;
    }

    @Override
    public String toString() {
        return "CalendarEdit{changed=" + changed + ", replacements=" + replacements + ", problems=" + problems + "}";
    }
}
