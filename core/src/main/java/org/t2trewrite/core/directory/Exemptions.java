package org.t2trewrite.core.directory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;

/**
 * The directory's exceptions: senders, recipients and domains the relay never rewrites (an
 * application's {@code noreply@}, an approval flow, a service mailbox). Part of every
 * {@link DirectorySnapshot}, so that every matcher and mailet decides on the same list, and a
 * change (the file reloaded, the Graph configuration) takes effect with the next snapshot.
 *
 * <ul>
 *   <li>{@code senders} ({@link ExemptionPattern}s): a mail whose sender identity (first
 *       {@code From} address) or envelope sender matches is left entirely alone: no address of it
 *       is rewritten, no recipient is redirected, nothing is marked for signing, no calendar copy
 *       is split off. It is delivered as it came, by the route of each recipient's domain.</li>
 *   <li>{@code recipients} ({@link ExemptionPattern}s): the copy for a matching envelope
 *       recipient is left alone in the same way (the matchers give it a copy of its own); the other
 *       recipients' copies are rewritten as usual.</li>
 *   <li>{@code domains}: every address of these domains (exactly; not their subdomains), as sender
 *       and as recipient.</li>
 * </ul>
 * An address matched by any list is also never rewritten where it appears in another mail's
 * header, invitation or delivery report ({@link #covers}): "never rewritten" holds everywhere.
 *
 * <p>Does not validate entries against the tenants: exempting a tenant's address or domain is
 * allowed (that is what a service mailbox is).
 */
public final class Exemptions {
    public static final String SENDERS = "senders";
    public static final String RECIPIENTS = "recipients";
    public static final String DOMAINS = "domains";

    private static final Exemptions NONE = new Exemptions(ImmutableList.of(), ImmutableList.of(), ImmutableSet.of());

    private final List<ExemptionPattern> senders;
    private final List<ExemptionPattern> recipients;
    private final Set<Domain> domains;

    private Exemptions(List<ExemptionPattern> senders, List<ExemptionPattern> recipients, Set<Domain> domains) {
        this.senders = senders;
        this.recipients = recipients;
        this.domains = domains;
    }

    public static Exemptions none() {
        return NONE;
    }

    public static Exemptions of(Collection<ExemptionPattern> senders, Collection<ExemptionPattern> recipients,
                                Collection<Domain> domains) {
        if (senders.isEmpty() && recipients.isEmpty() && domains.isEmpty()) {
            return NONE;
        }
        return new Exemptions(ImmutableList.copyOf(senders), ImmutableList.copyOf(recipients), ImmutableSet.copyOf(domains));
    }

    public List<ExemptionPattern> senders() {
        return senders;
    }

    public List<ExemptionPattern> recipients() {
        return recipients;
    }

    public Set<Domain> domains() {
        return domains;
    }

    public boolean isEmpty() {
        return senders.isEmpty() && recipients.isEmpty() && domains.isEmpty();
    }

    /**
     * Whether the mail is left alone because of who sent it: the sender identity is checked first,
     * then the envelope sender (a null sender is never exempt by itself).
     */
    public Exemption sender(Optional<Address> identity, Optional<Address> envelopeSender) {
        for (Optional<Address> candidate : List.of(identity, envelopeSender)) {
            if (candidate.isPresent()) {
                Optional<String> entry = entry(candidate.get(), senders, SENDERS);
                if (entry.isPresent()) {
                    return Exemption.sender(candidate.get(), entry.get());
                }
            }
        }
        return Exemption.notExempt();
    }

    /** Whether one recipient's copy is left alone because of that recipient. */
    public Exemption recipient(Address recipient) {
        return entry(recipient, recipients, RECIPIENTS)
            .map(entry -> Exemption.recipient(recipient, entry))
            .orElse(Exemption.notExempt());
    }

    /** True when any list matches the address: it is never replaced, wherever it appears. */
    public boolean covers(Address address) {
        return !isEmpty() && (domains.contains(address.domain())
            || senders.stream().anyMatch(pattern -> pattern.matches(address))
            || recipients.stream().anyMatch(pattern -> pattern.matches(address)));
    }

    /** The exemption of every recipient's copy of one mail: the sender's when the sender is exempt, else each its own. */
    public Decision decide(Optional<Address> identity, Optional<Address> envelopeSender, Collection<Address> recipients) {
        Exemption sender = sender(identity, envelopeSender);
        Map<Address, Exemption> exempt = new LinkedHashMap<>();
        List<Address> notExempt = new ArrayList<>();
        for (Address recipient : recipients) {
            Exemption exemption = sender.isExempt() ? sender : recipient(recipient);
            if (exemption.isExempt()) {
                exempt.putIfAbsent(recipient, exemption);
            } else {
                notExempt.add(recipient);
            }
        }
        return new Decision(sender, ImmutableMap.copyOf(exempt), ImmutableList.copyOf(notExempt));
    }

    private Optional<String> entry(Address address, List<ExemptionPattern> patterns, String list) {
        if (isEmpty()) {
            return Optional.empty();
        }
        if (domains.contains(address.domain())) {
            return Optional.of(DOMAINS + ": " + address.domain());
        }
        return patterns.stream().filter(pattern -> pattern.matches(address)).findFirst()
            .map(pattern -> list + ": " + pattern);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Exemptions && ((Exemptions) o).senders.equals(senders)
            && ((Exemptions) o).recipients.equals(recipients) && ((Exemptions) o).domains.equals(domains);
    }

    @Override
    public int hashCode() {
        return Objects.hash(senders, recipients, domains);
    }

    @Override
    public String toString() {
        return "exceptions (senders " + senders + ", recipients " + recipients + ", domains " + domains + ")";
    }

    /** The exemption of each recipient's copy of one mail. */
    public static final class Decision {
        private final Exemption sender;
        private final Map<Address, Exemption> exempt;
        private final List<Address> notExempt;

        private Decision(Exemption sender, Map<Address, Exemption> exempt, List<Address> notExempt) {
            this.sender = sender;
            this.exempt = exempt;
            this.notExempt = notExempt;
        }

        /** The sender's exemption; when exempt, every recipient is. */
        public Exemption sender() {
            return sender;
        }

        /** The exempt recipients, in the mail's order, each with why. */
        public Map<Address, Exemption> exempt() {
            return exempt;
        }

        /** The recipients whose copy is handled as usual, in the mail's order. */
        public List<Address> notExempt() {
            return notExempt;
        }

        public Exemption of(Address recipient) {
            return exempt.getOrDefault(recipient, Exemption.notExempt());
        }

        public boolean any() {
            return !exempt.isEmpty();
        }

        /** For the decision log: {@code [a@x (recipients: a@x), ...]}, or the sender's exemption. */
        @Override
        public String toString() {
            if (sender.isExempt()) {
                return sender.toString();
            }
            StringBuilder text = new StringBuilder("[");
            exempt.forEach((recipient, exemption) -> {
                if (text.length() > 1) {
                    text.append(", ");
                }
                text.append(recipient).append(" (").append(exemption.entry().orElseThrow()).append(')');
            });
            return text.append(']').toString();
        }
    }
}
