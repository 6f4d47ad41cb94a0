package org.t2trewrite.core.plan;

import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Exemptions;
import org.t2trewrite.core.directory.Lookup;
import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.rewrite.AddressRules;

/**
 * The recipient selections of our matchers, as pure functions: {@code IsDayOneMember} /
 * {@code IsDayTwoMember} ({@link #senderInGroup}), {@code IsCalendarToSource}
 * ({@link #calendarToSource}) and {@code IsRedirectedRecipient} ({@link #redirected}). The
 * matchers call these and nothing else to decide, and {@link RelayPlan} calls them in the
 * pipeline's order, so {@code explain} answers with the relay's own decisions.
 *
 * <p>Every selection honours the directory's exceptions: a mail from an exempt sender selects
 * nobody, an exempt recipient is never selected.
 */
public final class Selections {
    private Selections() {
    }

    /** All recipients when the sender identity is a member of {@code group} (and not in both groups), else none. */
    public static Selection senderInGroup(DirectorySnapshot snapshot, Group group, Optional<Address> identity,
                                          Optional<Address> envelopeSender, List<Address> recipients) {
        if (identity.isEmpty() || !snapshot.eligibility(identity.get()).group().equals(Optional.of(group))) {
            return Selection.none();
        }
        return Selection.of(recipients, snapshot.exemptions().decide(identity, envelopeSender, recipients));
    }

    /**
     * In mail from a DayTwo member, the recipients whose mailbox is in the source tenant: a
     * person's whose mailbox is there, or an address of a source domain that belongs to nobody.
     *
     * @param carriesCalendar asked only when {@code invitesOnly} and some recipient qualifies
     */
    public static Selection calendarToSource(DirectorySnapshot snapshot, Optional<Address> identity,
                                             Optional<Address> envelopeSender, List<Address> recipients,
                                             boolean invitesOnly, BooleanSupplier carriesCalendar) {
        if (identity.isEmpty() || snapshot.eligibility(identity.get()) != Eligibility.DAY_TWO) {
            return Selection.none();
        }
        List<Address> toSource = recipients.stream()
            .filter(recipient -> mailboxInSource(snapshot, recipient))
            .collect(Collectors.toList());
        if (toSource.isEmpty() || (invitesOnly && !carriesCalendar.getAsBoolean())) {
            return Selection.none();
        }
        return Selection.of(toSource, snapshot.exemptions().decide(identity, envelopeSender, toSource));
    }

    /** The recipients {@link org.t2trewrite.core.rewrite.RecipientRewrite} redirects to their mailbox's tenant. */
    public static Selection redirected(DirectorySnapshot snapshot, Optional<Address> identity,
                                       Optional<Address> envelopeSender, List<Address> recipients) {
        AddressMapper home = AddressRules.mailboxHome(snapshot);
        if (snapshot.exemptions().isEmpty()) {
            return Selection.narrowed(recipients.stream().filter(r -> home.replacementFor(r).isPresent())
                .collect(Collectors.toList()), Optional.empty());
        }
        // The candidates are those the rule redirects without the exceptions, so that a prevented redirect is logged.
        AddressMapper withoutExceptions = AddressRules.mailboxHome(snapshot.withExemptions(Exemptions.none()));
        List<Address> candidates = recipients.stream()
            .filter(recipient -> withoutExceptions.replacementFor(recipient).isPresent())
            .collect(Collectors.toList());
        Exemptions.Decision exemption = snapshot.exemptions().decide(identity, envelopeSender, candidates);
        List<Address> redirected = candidates.stream()
            .filter(recipient -> !exemption.of(recipient).isExempt() && home.replacementFor(recipient).isPresent())
            .collect(Collectors.toList());
        return Selection.narrowed(redirected, redirected.size() < candidates.size() ? Optional.of(exemption) : Optional.empty());
    }

    private static boolean mailboxInSource(DirectorySnapshot snapshot, Address recipient) {
        Lookup lookup = snapshot.lookup(recipient);
        if (lookup.isFound()) {
            return lookup.person().map(Person::mailbox).orElseThrow() == Tenant.SOURCE;
        }
        return snapshot.tenants().tenantOf(recipient.domain()).equals(Optional.of(Tenant.SOURCE));
    }
}
