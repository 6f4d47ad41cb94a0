package org.t2trewrite.core;

import java.util.Locale;

/** One side of a tenant-to-tenant migration. */
public enum Tenant {
    SOURCE,
    TARGET;

    public Tenant other() {
        return this == SOURCE ? TARGET : SOURCE;
    }

    /** Parses {@code source} or {@code target}, case-insensitively, as written in configuration files. */
    public static Tenant parse(String value) {
        String normalised = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        switch (normalised) {
            case "source":
                return SOURCE;
            case "target":
                return TARGET;
            default:
                throw new IllegalArgumentException("tenant must be 'source' or 'target', not '" + value + "'");
        }
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
