package org.t2trewrite.core;

import java.util.Locale;
import java.util.Objects;

/**
 * An e-mail address ({@code local-part@domain}, RFC 5322 addr-spec, RFC 6531 UTF-8 allowed).
 * Equality is case-insensitive on the whole address: Exchange Online treats addresses so, and
 * the directory lookups must match whatever case a client wrote.
 *
 * <p>{@link #toString()} keeps the case the address was written in. The null sender
 * ({@code <>}) is not an address: callers model it as an absent value.
 */
public final class Address {
    private final String localPart;
    private final Domain domain;
    private final String key;

    private Address(String localPart, Domain domain) {
        this.localPart = localPart;
        this.domain = domain;
        this.key = comparable(localPart).toLowerCase(Locale.ROOT) + "@" + domain.key();
    }

    /**
     * The local part as compared: a quoted string whose content is a plain dot-atom is the same
     * mailbox as that dot-atom (RFC 5321 §4.1.2: {@code "alice"@x} and {@code alice@x} are
     * equivalent; the quoted form should not be used when not needed), so {@code "alice"} compares
     * as {@code alice}. Quoted strings that need their quotes ({@code "a b"}) stay quoted.
     */
    private static String comparable(String localPart) {
        if (localPart.length() < 2 || !localPart.startsWith("\"") || !localPart.endsWith("\"")) {
            return localPart;
        }
        StringBuilder content = new StringBuilder(localPart.length());
        for (int i = 1; i < localPart.length() - 1; i++) {
            char c = localPart.charAt(i);
            if (c == '\\' && i + 1 < localPart.length() - 1) {
                c = localPart.charAt(++i);
            }
            content.append(c);
        }
        return isDotAtom(content) ? content.toString() : localPart;
    }

    private static boolean isDotAtom(CharSequence text) {
        if (text.length() == 0 || text.charAt(0) == '.' || text.charAt(text.length() - 1) == '.') {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || c > 127;
            if (!(atext || (c == '.' && text.charAt(i - 1) != '.'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses an addr-spec, optionally in angle brackets. The local part may be a quoted string
     * (which may itself contain {@code @}); the domain is whatever follows the last {@code @}.
     *
     * @throws IllegalArgumentException naming the value when it is not an address
     */
    public static Address parse(String value) {
        Objects.requireNonNull(value, "address");
        String text = value.trim();
        if (text.startsWith("<") && text.endsWith(">")) {
            text = text.substring(1, text.length() - 1).trim();
        }
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new IllegalArgumentException("not an address: '" + value + "'");
        }
        String local = text.substring(0, at);
        checkLocalPart(local, value);
        Domain domain;
        try {
            domain = Domain.of(text.substring(at + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an address: '" + value + "' (" + e.getMessage() + ")", e);
        }
        return new Address(local, domain);
    }

    private static void checkLocalPart(String local, String original) {
        boolean quoted = local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"");
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            boolean forbidden = c < ' ' || c == 127 || (!quoted && (c == ' ' || c == '<' || c == '>' || c == ','
                || c == ';' || c == ':' || c == '(' || c == ')' || c == '"' || c == '@' || c == '\\'));
            if (forbidden) {
                throw new IllegalArgumentException("not an address: '" + original + "' (bad local part)");
            }
        }
    }

    public String localPart() {
        return localPart;
    }

    public Domain domain() {
        return domain;
    }

    /** The case-insensitive comparison key. */
    public String key() {
        return key;
    }

    /** True when the address contains characters outside US-ASCII and so needs SMTPUTF8 (RFC 6531). */
    public boolean needsSmtpUtf8() {
        String text = toString();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 127) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Address && ((Address) o).key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    /** The address as written: {@code local-part@domain}. */
    @Override
    public String toString() {
        return localPart + "@" + domain.name();
    }
}
