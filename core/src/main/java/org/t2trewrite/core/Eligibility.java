package org.t2trewrite.core;

import java.util.Optional;
import java.util.Set;

/**
 * What the eligibility groups say about one person. A person in both groups is a
 * configuration {@link #CONFLICT}: reported, and never rewritten until it is fixed.
 */
public enum Eligibility {
    NONE,
    DAY_ONE,
    DAY_TWO,
    CONFLICT;

    public static Eligibility of(Set<Group> groups) {
        boolean dayOne = groups.contains(Group.DAY_ONE);
        boolean dayTwo = groups.contains(Group.DAY_TWO);
        if (dayOne && dayTwo) {
            return CONFLICT;
        }
        if (dayOne) {
            return DAY_ONE;
        }
        return dayTwo ? DAY_TWO : NONE;
    }

    /** The group this eligibility rewrites for; empty for {@link #NONE} and {@link #CONFLICT}. */
    public Optional<Group> group() {
        switch (this) {
            case DAY_ONE:
                return Optional.of(Group.DAY_ONE);
            case DAY_TWO:
                return Optional.of(Group.DAY_TWO);
            default:
                return Optional.empty();
        }
    }
}
