package org.t2trewrite.core;

import java.net.IDN;
import java.util.Locale;
import java.util.Objects;

/**
 * A mail domain. Equality ignores case and treats an internationalised domain's Unicode form
 * (U-label) and its {@code xn--} form (A-label) as the same domain (RFC 5890).
 *
 * <p>Does not check that the domain exists or is syntactically a hostname beyond what
 * {@link IDN#toASCII} accepts; it never touches DNS.
 */
public final class Domain {
    private final String name;
    private final String key;

    private Domain(String name, String key) {
        this.name = name;
        this.key = key;
    }

    public static Domain of(String value) {
        Objects.requireNonNull(value, "domain");
        String trimmed = value.trim();
        if (trimmed.endsWith(".")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("empty domain");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c <= ' ' || c == '@' || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || c == 127) {
                throw new IllegalArgumentException("invalid character in domain '" + value + "'");
            }
        }
        return new Domain(trimmed.toLowerCase(Locale.ROOT), asciiKey(trimmed));
    }

    private static String asciiKey(String domain) {
        // IDN leaves all-ASCII labels as they are; skipping it saves most of an address parse on the mail path.
        if (domain.startsWith("[") || isAscii(domain)) {
            return domain.toLowerCase(Locale.ROOT);
        }
        try {
            return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            // Not convertible (e.g. a label over 63 octets): compare by the lower-cased text.
            return domain.toLowerCase(Locale.ROOT);
        }
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    /** The domain as written (lower-cased), Unicode kept if it was given in Unicode. */
    public String name() {
        return name;
    }

    /** The comparison key: lower-case A-label form. */
    public String key() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Domain && ((Domain) o).key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
