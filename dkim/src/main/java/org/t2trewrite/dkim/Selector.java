package org.t2trewrite.dkim;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A DKIM selector (RFC 6376 §3.1): one or more DNS labels of letters, digits and hyphens,
 * separated by dots. Case-insensitive, kept lower-case.
 *
 * <p>Does not accept underscores or internationalised labels: a selector also names a key file,
 * and these are the names every DNS provider's console accepts.
 */
public final class Selector {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final String value;

    private Selector(String value) {
        this.value = value;
    }

    /**
     * @throws IllegalArgumentException naming the value when it is not a selector
     */
    public static Selector of(String value) {
        Objects.requireNonNull(value, "selector");
        String lower = value.trim().toLowerCase(Locale.ROOT);
        if (lower.isEmpty()) {
            throw new IllegalArgumentException("empty selector");
        }
        for (String label : lower.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("invalid selector '" + value
                    + "': expected DNS labels of letters, digits and hyphens separated by dots");
            }
        }
        return new Selector(lower);
    }

    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Selector && ((Selector) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
