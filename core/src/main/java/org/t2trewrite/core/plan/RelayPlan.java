package org.t2trewrite.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.calendar.CalendarRewrite;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Exemptions;
import org.t2trewrite.core.header.AddressHeaderParser;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.Replacement;
import org.t2trewrite.core.rewrite.RecipientRewrite;
import org.t2trewrite.core.rewrite.SenderIdentity;
import org.t2trewrite.core.rewrite.SenderRewrite;

import com.google.common.collect.ImmutableList;

/**
 * What the relay's pipeline ({@code james-conf/mailetcontainer.xml}, processors
 * {@code t2t-rewrite}, {@code t2t-to-source} and {@code t2t-routes}) does with one mail, per
 * recipient, computed with the same core functions the matchers and mailets call, in the order
 * the pipeline calls them:
 * <ol>
 *   <li>{@code IsCalendarToSource} ({@link Selections#calendarToSource}): the selected copy goes to
 *       {@code t2t-to-source}, where only step 4 applies and nothing is signed;</li>
 *   <li>{@code IsDayOneMember} → {@code RewriteSender} ({@link Selections#senderInGroup},
 *       {@link SenderRewrite});</li>
 *   <li>{@code IsDayTwoMember} → {@code RewriteSender}, on the copies as step 2 left them;</li>
 *   <li>{@code IsRedirectedRecipient} → {@code RewriteRecipients} ({@link Selections#redirected},
 *       {@link RecipientRewrite});</li>
 *   <li>{@code DkimSignRewritten}: signs the copies {@code RewriteSender} marked;</li>
 *   <li>{@code t2t-routes}: {@code IsRecipientInTenant=source}, {@code =target}, else the other route.</li>
 * </ol>
 * Each matcher that returns some recipients splits the mail, as James does: the selected copy goes
 * through the mailet, the rest goes on unchanged, and both continue down the processor.
 *
 * <p>It is a model of the pipeline as shipped, not a reading of the operator's
 * {@code mailetcontainer.xml}: a changed pipeline is not reflected. What the pipeline does before
 * {@code t2t-rewrite} (relay authorisation, local postmaster mail) is not modelled: the mail is
 * assumed to come from an authorised peer. Body rewriting (invitations, reports) is not shown;
 * it follows the header's decisions. {@code ServerExplainAgreesIT}-style tests run this plan and
 * the real relay on the same mails and compare.
 */
public final class RelayPlan {
    private final Optional<Address> identity;
    private final Exemptions.Decision exemption;
    private final List<RecipientPlan> recipients;

    private RelayPlan(Optional<Address> identity, Exemptions.Decision exemption, List<RecipientPlan> recipients) {
        this.identity = identity;
        this.exemption = exemption;
        this.recipients = recipients;
    }

    /**
     * @param body the message body (after the header's blank line), to find invitations when {@code invitesOnly}
     * @param invitesOnly the pipeline's {@code IsCalendarToSource=invites} condition ({@code false} as shipped)
     */
    public static RelayPlan of(DirectorySnapshot snapshot, HeaderSection header, byte[] body, Optional<Address> envelopeSender,
                               List<Address> recipients, boolean invitesOnly) {
        Objects.requireNonNull(snapshot, "snapshot");
        Optional<Address> identity = SenderIdentity.of(header, envelopeSender);
        Exemptions.Decision exemption = snapshot.exemptions().decide(identity, envelopeSender, recipients);

        List<Copy> copies = new ArrayList<>();
        Copy mail = Copy.of(header, envelopeSender, recipients);
        Selection calendar = Selections.calendarToSource(snapshot, identity, envelopeSender, mail.current(), invitesOnly,
            () -> CalendarRewrite.carriesCalendar(header, body));
        List<Copy> toSource = new ArrayList<>();
        List<Copy> main = new ArrayList<>();
        if (calendar.isEmpty()) {
            main.add(mail);
        } else {
            Copy[] split = mail.split(calendar.selected());
            split[0].calendar = true;
            toSource.add(split[0]);
            main.addAll(split[1].isEmpty() ? List.of() : List.of(split[1]));
        }
        for (Group group : List.of(Group.DAY_ONE, Group.DAY_TWO)) {
            List<Copy> next = new ArrayList<>();
            for (Copy copy : main) {
                Selection selected = Selections.senderInGroup(snapshot, group, copy.identity(), copy.sender, copy.current());
                if (selected.isEmpty()) {
                    next.add(copy);
                    continue;
                }
                Copy[] split = copy.split(selected.selected());
                next.add(rewriteSender(snapshot, split[0], group));
                if (!split[1].isEmpty()) {
                    next.add(split[1]);
                }
            }
            main = next;
        }
        copies.addAll(toSource);
        copies.addAll(main);
        List<Copy> delivered = new ArrayList<>();
        for (Copy copy : copies) {
            Selection selected = Selections.redirected(snapshot, copy.identity(), copy.sender, copy.current());
            if (selected.isEmpty()) {
                delivered.add(copy);
                continue;
            }
            Copy[] split = copy.split(selected.selected());
            delivered.add(rewriteRecipients(snapshot, split[0]));
            if (!split[1].isEmpty()) {
                delivered.add(split[1]);
            }
        }

        Map<Address, RecipientPlan> plans = new LinkedHashMap<>();
        for (Address recipient : recipients) {
            plans.put(recipient, null);
        }
        for (Copy copy : delivered) {
            for (Map.Entry<Address, Address> entry : copy.recipients.entrySet()) {
                Address original = entry.getKey();
                Address to = entry.getValue();
                plans.put(original, new RecipientPlan(original, exemption.of(original), copy.calendar, copy.senderRewrite,
                    copy.redirected.containsKey(original) ? Optional.of(to) : Optional.empty(), to, copy.sender, copy.header,
                    copy.replacements, copy.calendar ? Optional.empty() : copy.signingDomain,
                    snapshot.tenants().tenantOf(to.domain())));
            }
        }
        return new RelayPlan(identity, exemption, ImmutableList.copyOf(plans.values()));
    }

    private static Copy rewriteSender(DirectorySnapshot snapshot, Copy copy, Group group) {
        SenderRewrite rewrite = SenderRewrite.apply(snapshot, copy.header, copy.sender);
        copy.senderRewrite = Optional.of(group);
        if (!rewrite.changed()) {
            copy.signingDomain = SenderRewrite.alreadyPresentedDomain(snapshot, copy.identity());
            return copy;
        }
        copy.header = rewrite.headers().section();
        copy.replacements.addAll(rewrite.headers().replacements());
        copy.sender = rewrite.sender();
        copy.signingDomain = rewrite.signingDomain().or(() -> SenderRewrite.domainSpokenFor(copy.header, copy.sender));
        return copy;
    }

    private static Copy rewriteRecipients(DirectorySnapshot snapshot, Copy copy) {
        RecipientRewrite rewrite = RecipientRewrite.apply(snapshot, copy.header, copy.sender, copy.current());
        copy.header = rewrite.headers().section();
        copy.replacements.addAll(rewrite.headers().replacements());
        for (Map.Entry<Address, Address> entry : copy.recipients.entrySet()) {
            Address redirected = rewrite.redirected().get(entry.getValue());
            if (redirected != null) {
                copy.redirected.put(entry.getKey(), redirected);
                entry.setValue(redirected);
            }
        }
        return copy;
    }

    static Optional<Address> firstAddress(HeaderSection header, String field) {
        return header.fields(field).stream().findFirst()
            .flatMap(found -> AddressHeaderParser.parse(found).addresses().stream().findFirst());
    }

    /** The sender identity the decisions are about: first {@code From} address, else the envelope sender. */
    public Optional<Address> identity() {
        return identity;
    }

    /** The exceptions' decision on the mail as it arrived. */
    public Exemptions.Decision exemption() {
        return exemption;
    }

    /** One plan per envelope recipient, in the mail's order. */
    public List<RecipientPlan> recipients() {
        return recipients;
    }

    /** One copy of the mail as the pipeline splits it: its header, sender and recipients (original → current). */
    private static final class Copy {
        private HeaderSection header;
        private Optional<Address> sender;
        private final LinkedHashMap<Address, Address> recipients;
        private final Map<Address, Address> redirected = new LinkedHashMap<>();
        private final List<Replacement> replacements;
        private boolean calendar;
        private Optional<Group> senderRewrite = Optional.empty();
        private Optional<Domain> signingDomain = Optional.empty();

        private Copy(HeaderSection header, Optional<Address> sender, LinkedHashMap<Address, Address> recipients,
                     List<Replacement> replacements) {
            this.header = header;
            this.sender = sender;
            this.recipients = recipients;
            this.replacements = new ArrayList<>(replacements);
        }

        static Copy of(HeaderSection header, Optional<Address> sender, List<Address> recipients) {
            LinkedHashMap<Address, Address> map = new LinkedHashMap<>();
            recipients.forEach(recipient -> map.putIfAbsent(recipient, recipient));
            return new Copy(header, sender, map, List.of());
        }

        Optional<Address> identity() {
            return SenderIdentity.of(header, sender);
        }

        /** The current envelope recipients, without duplicates. */
        List<Address> current() {
            return recipients.values().stream().distinct().collect(Collectors.toList());
        }

        boolean isEmpty() {
            return recipients.isEmpty();
        }

        /** [the copy for the selected current recipients, the copy for the rest], as James splits a mail. */
        Copy[] split(List<Address> selected) {
            LinkedHashMap<Address, Address> in = new LinkedHashMap<>();
            LinkedHashMap<Address, Address> out = new LinkedHashMap<>();
            recipients.forEach((original, current) -> (selected.contains(current) ? in : out).put(original, current));
            Copy first = copyWith(in);
            Copy second = copyWith(out);
            return new Copy[] {first, second};
        }

        private Copy copyWith(LinkedHashMap<Address, Address> subset) {
            Copy copy = new Copy(header, sender, subset, replacements);
            copy.calendar = calendar;
            copy.senderRewrite = senderRewrite;
            copy.signingDomain = signingDomain;
            subset.keySet().forEach(original -> {
                if (redirected.containsKey(original)) {
                    copy.redirected.put(original, redirected.get(original));
                }
            });
            return copy;
        }
    }
}
