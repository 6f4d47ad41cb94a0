package org.t2trewrite.core;

import java.util.Locale;

/**
 * An eligibility group. Membership of {@link #DAY_ONE} presents a person with their target
 * address, membership of {@link #DAY_TWO} with their source address.
 */
public enum Group {
    DAY_ONE("DayOne", Tenant.TARGET),
    DAY_TWO("DayTwo", Tenant.SOURCE);

    private final String configName;
    private final Tenant presentedTenant;

    Group(String configName, Tenant presentedTenant) {
        this.configName = configName;
        this.presentedTenant = presentedTenant;
    }

    /** The name used in configuration files and parameters: {@code DayOne} or {@code DayTwo}. */
    public String configName() {
        return configName;
    }

    /** The tenant whose address a member of this group sends as. */
    public Tenant presentedTenant() {
        return presentedTenant;
    }

    /** Parses {@code DayOne} or {@code DayTwo}, case-insensitively. */
    public static Group parse(String value) {
        String normalised = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (Group group : values()) {
            if (group.configName.toLowerCase(Locale.ROOT).equals(normalised)) {
                return group;
            }
        }
        throw new IllegalArgumentException("group must be 'DayOne' or 'DayTwo', not '" + value + "'");
    }
}
