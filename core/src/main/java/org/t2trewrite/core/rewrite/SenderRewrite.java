package org.t2trewrite.core.rewrite;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Exemption;
import org.t2trewrite.core.directory.Exemptions;
import org.t2trewrite.core.directory.Lookup;
import org.t2trewrite.core.header.AddressHeaderParser;
import org.t2trewrite.core.header.AddressHeaderRewriter;
import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderRewrite;
import org.t2trewrite.core.header.HeaderSection;

import com.google.common.collect.ImmutableSet;

/**
 * Outbound rewriting (design flows 1 and 2): every eligible person's address is replaced by the
 * address they are presented with ({@link AddressRules#presented}) in the envelope sender, in the
 * originator fields, and in the recipient fields (so that reply-all stays consistent).
 *
 * <p>A null envelope sender stays null: it is never "rewritten" into an address (RFC 5321
 * §4.5.5). Envelope recipients are not touched here (see {@link RecipientRewrite}).
 *
 * <p>A mail whose sender the directory's exceptions exempt ({@link Exemptions#sender}) is not
 * rewritten at all, and {@link #exemption()} says why. Exempt recipients cannot be honoured here
 * (the header is shared by all recipients): callers give them a copy of their own first.
 */
public final class SenderRewrite {
    /** RFC 5322 §3.6.2/§3.6.6 originator fields, and the two receipt-request fields (RFC 8098 and the older Return-Receipt-To). */
    public static final Set<String> ORIGINATOR_FIELDS = ImmutableSet.of("From", "Sender", "Reply-To",
        "Resent-From", "Resent-Sender", "Disposition-Notification-To", "Return-Receipt-To");
    /** RFC 5322 §3.6.3/§3.6.6 destination fields shown to every recipient. Never Bcc. */
    public static final Set<String> DESTINATION_FIELDS = ImmutableSet.of("To", "Cc", "Resent-To", "Resent-Cc");

    private static final Set<String> ALL_FIELDS = ImmutableSet.<String>builder()
        .addAll(ORIGINATOR_FIELDS).addAll(DESTINATION_FIELDS).build();

    private final HeaderRewrite headers;
    private final Optional<Address> senderBefore;
    private final Optional<Address> senderAfter;
    private final Optional<Domain> signingDomain;
    private final Exemption exemption;

    private SenderRewrite(HeaderRewrite headers, Optional<Address> senderBefore, Optional<Address> senderAfter,
                          Optional<Domain> signingDomain, Exemption exemption) {
        this.headers = headers;
        this.senderBefore = senderBefore;
        this.senderAfter = senderAfter;
        this.signingDomain = signingDomain;
        this.exemption = exemption;
    }

    /**
     * @param envelopeSender empty for the null sender {@code <>}
     */
    public static SenderRewrite apply(DirectorySnapshot snapshot, HeaderSection header, Optional<Address> envelopeSender) {
        Objects.requireNonNull(snapshot, "snapshot");
        Exemption exemption = snapshot.exemptions().sender(SenderIdentity.of(header, envelopeSender), envelopeSender);
        if (exemption.isExempt()) {
            return new SenderRewrite(AddressHeaderRewriter.rewrite(header, ImmutableSet.of(), found -> Optional.empty()),
                envelopeSender, envelopeSender, Optional.empty(), exemption);
        }
        AddressMapper presented = AddressRules.presented(snapshot);
        HeaderRewrite headers = AddressHeaderRewriter.rewrite(header, ALL_FIELDS, presented);
        Optional<Address> newSender = envelopeSender.map(sender -> presented.replacementFor(sender).orElse(sender));
        boolean changed = headers.changed() || differ(newSender, envelopeSender);
        Optional<Domain> signingDomain = changed ? domainSpokenFor(headers.section(), newSender) : Optional.empty();
        return new SenderRewrite(headers, envelopeSender, newSender, signingDomain, exemption);
    }

    /**
     * The domain to sign a mail for that needed no rewriting: that of its sender identity when the
     * identity is an eligible person's presented address (the mail was rewritten before, by us: a
     * kept mail re-injected, a James retry), so that it is signed exactly as if it had passed once.
     * Empty otherwise, and for an exempt identity.
     */
    public static Optional<Domain> alreadyPresentedDomain(DirectorySnapshot snapshot, Optional<Address> identity) {
        return identity.filter(address -> {
            if (snapshot.exemptions().covers(address)) {
                return false;
            }
            Lookup lookup = snapshot.lookup(address);
            Optional<Group> group = lookup.person().flatMap(person -> person.eligibility().group());
            return group.isPresent() && lookup.tenant().equals(Optional.of(group.get().presentedTenant()));
        }).map(Address::domain);
    }

    /**
     * The domain a mail speaks for: that of its first {@code From} address, else of its envelope
     * sender; what a signature for it must name (RFC 7489 alignment).
     */
    public static Optional<Domain> domainSpokenFor(HeaderSection header, Optional<Address> envelopeSender) {
        return firstFromAddress(header).or(() -> envelopeSender).map(Address::domain);
    }

    private static Optional<Address> firstFromAddress(HeaderSection section) {
        return section.fields("From").stream()
            .findFirst()
            .flatMap(SenderRewrite::firstAddress);
    }

    private static Optional<Address> firstAddress(HeaderField field) {
        return AddressHeaderParser.parse(field).addresses().stream().findFirst();
    }

    /** The header after the rewrite, with what was replaced and the fields that could not be parsed. */
    public HeaderRewrite headers() {
        return headers;
    }

    /** The envelope sender after the rewrite; empty for the null sender. */
    public Optional<Address> sender() {
        return senderAfter;
    }

    public boolean senderChanged() {
        return differ(senderAfter, senderBefore);
    }

    /** Address equality ignores case; a change of case alone is still a change of bytes. */
    private static boolean differ(Optional<Address> after, Optional<Address> before) {
        return !after.map(Address::toString).equals(before.map(Address::toString));
    }

    /**
     * The domain the mail now speaks for (the domain of its first {@code From} address after the
     * rewrite), when anything was rewritten; empty when nothing changed.
     */
    public Optional<Domain> signingDomain() {
        return signingDomain;
    }

    public boolean changed() {
        return headers.changed() || senderChanged();
    }

    /** Why the mail was left alone, when its sender is exempt; {@link Exemption#notExempt()} otherwise. */
    public Exemption exemption() {
        return exemption;
    }
}
