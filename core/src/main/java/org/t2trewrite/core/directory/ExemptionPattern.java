package org.t2trewrite.core.directory;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;

/**
 * One entry of a {@code senders} or {@code recipients} exception list: which addresses it exempts.
 *
 * <p>The syntax, exactly:
 * <ul>
 *   <li>{@code noreply@source.example} — that address (case-insensitive, as {@link Address} compares);</li>
 *   <li>{@code noreply*@source.example} — every address of that domain whose local part starts with
 *       {@code noreply} ({@code noreply}, {@code noreply-hr}, {@code NoReply.Billing}); one {@code *}, only
 *       at the end of the local part;</li>
 *   <li>{@code @source.example} (or {@code *@source.example}) — every address of that domain;</li>
 *   <li>{@code noreply@*} or {@code noreply*@*} — that local part (or prefix) in any domain.</li>
 * </ul>
 * A domain is compared exactly: {@code @source.example} does not cover {@code hr.source.example}.
 * {@code *@*} (everything) is refused: an exception for every address is the relay turned off.
 *
 * <p>Does not look the address up in the directory: an entry exempts the addresses it matches as
 * written, not the other addresses (aliases, the other tenant's address) of the person who owns them.
 */
public final class ExemptionPattern {
    private static final String ANY = "*";

    private final String text;
    /** Lower-cased local part or prefix; empty with {@link #prefix} for "any local part". */
    private final String local;
    private final boolean prefix;
    /** Empty for "any domain". */
    private final Optional<Domain> domain;

    private ExemptionPattern(String text, String local, boolean prefix, Optional<Domain> domain) {
        this.text = text;
        this.local = local;
        this.prefix = prefix;
        this.domain = domain;
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with the entry
     */
    public static ExemptionPattern parse(String value) {
        Objects.requireNonNull(value, "exception entry");
        String text = value.trim();
        int at = text.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("'" + value + "' is not an address, local*@domain, @domain or local@*");
        }
        String localText = text.substring(0, at);
        String domainText = text.substring(at + 1);
        boolean prefix = localText.isEmpty() || localText.endsWith(ANY);
        String local = prefix && !localText.isEmpty() ? localText.substring(0, localText.length() - 1) : localText;
        if (local.contains(ANY)) {
            throw new IllegalArgumentException("'" + value + "': '*' is allowed only at the end of the local part");
        }
        boolean anyDomain = ANY.equals(domainText);
        if (!anyDomain && domainText.contains(ANY)) {
            throw new IllegalArgumentException("'" + value + "': the domain is a name or '*', not a pattern");
        }
        if (anyDomain && prefix && local.isEmpty()) {
            throw new IllegalArgumentException("'" + value + "' would exempt every address");
        }
        Optional<Domain> domain;
        try {
            domain = anyDomain ? Optional.empty() : Optional.of(Domain.of(domainText));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "': " + e.getMessage(), e);
        }
        if (!local.isEmpty()) {
            // The local part (or prefix) must be one an address could have: parse it with a placeholder domain.
            Address checked;
            try {
                checked = Address.parse((prefix ? local + "x" : local) + "@" + domain.map(Domain::name).orElse("example.invalid"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + value + "': bad local part", e);
            }
            local = localKey(checked);
            if (prefix) {
                local = local.substring(0, local.length() - 1);
            }
        }
        return new ExemptionPattern(text, local, prefix, domain);
    }

    private static String localKey(Address address) {
        String key = address.key();
        return key.substring(0, key.lastIndexOf('@')).toLowerCase(Locale.ROOT);
    }

    public boolean matches(Address address) {
        if (domain.isPresent() && !domain.get().equals(address.domain())) {
            return false;
        }
        String candidate = localKey(address);
        return prefix ? candidate.startsWith(local) : candidate.equals(local);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExemptionPattern && ((ExemptionPattern) o).local.equals(local)
            && ((ExemptionPattern) o).prefix == prefix && ((ExemptionPattern) o).domain.equals(domain);
    }

    @Override
    public int hashCode() {
        return Objects.hash(local, prefix, domain);
    }

    /** The entry as it was written. */
    @Override
    public String toString() {
        return text;
    }
}
