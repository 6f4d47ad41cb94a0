package org.t2trewrite.core.rewrite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Exemption;
import org.t2trewrite.core.header.AddressHeaderRewriter;
import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.header.HeaderRewrite;
import org.t2trewrite.core.header.HeaderSection;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;

/**
 * Inbound rewriting (design flows 4, 5 and 6): an envelope recipient who is an eligible person
 * addressed in the tenant where their mailbox does not live is redirected to their address in
 * the tenant where it does ({@link AddressRules#mailboxHome}); the occurrences of the redirected
 * addresses in {@code To} and {@code Cc} follow, so that the person's own replies carry the
 * address of the tenant they now live in.
 *
 * <p>Only the redirected recipients' addresses change in the header: the header is shared by
 * every recipient of the mail, so callers split the mail first (matcher
 * {@code IsRedirectedRecipient}) to keep other recipients' copies untouched. The envelope sender,
 * null or not, is never touched.
 *
 * <p>Exceptions: a mail whose sender is exempt is not rewritten at all ({@link #exemption()} says
 * why); an exempt recipient is never redirected ({@link AddressRules} never maps it).
 */
public final class RecipientRewrite {
    public static final Set<String> DESTINATION_FIELDS = ImmutableSet.of("To", "Cc");

    private final List<Address> recipients;
    private final Map<Address, Address> redirected;
    private final HeaderRewrite headers;
    private final Exemption exemption;

    private RecipientRewrite(List<Address> recipients, Map<Address, Address> redirected, HeaderRewrite headers,
                             Exemption exemption) {
        this.recipients = recipients;
        this.redirected = redirected;
        this.headers = headers;
        this.exemption = exemption;
    }

    /**
     * @param envelopeSender empty for the null sender; with the {@code From} identity, decides a sender exemption
     */
    public static RecipientRewrite apply(DirectorySnapshot snapshot, HeaderSection header, Optional<Address> envelopeSender,
                                         List<Address> recipients) {
        Objects.requireNonNull(snapshot, "snapshot");
        Exemption exemption = snapshot.exemptions().sender(SenderIdentity.of(header, envelopeSender), envelopeSender);
        if (exemption.isExempt()) {
            return new RecipientRewrite(ImmutableList.copyOf(recipients), ImmutableMap.of(),
                AddressHeaderRewriter.rewrite(header, ImmutableSet.of(), found -> Optional.empty()), exemption);
        }
        AddressMapper home = AddressRules.mailboxHome(snapshot);
        Map<Address, Address> redirected = new LinkedHashMap<>();
        List<Address> newRecipients = new ArrayList<>(recipients.size());
        for (Address recipient : recipients) {
            Optional<Address> replacement = home.replacementFor(recipient);
            replacement.ifPresent(to -> redirected.put(recipient, to));
            Address delivered = replacement.orElse(recipient);
            if (!newRecipients.contains(delivered)) {
                newRecipients.add(delivered);
            }
        }
        AddressMapper onlyRedirected = found -> Optional.ofNullable(redirected.get(found));
        HeaderRewrite headers = redirected.isEmpty()
            ? AddressHeaderRewriter.rewrite(header, ImmutableSet.of(), onlyRedirected)
            : AddressHeaderRewriter.rewrite(header, DESTINATION_FIELDS, onlyRedirected);
        return new RecipientRewrite(ImmutableList.copyOf(newRecipients), ImmutableMap.copyOf(redirected), headers,
            Exemption.notExempt());
    }

    /** The envelope recipients after the rewrite, in their original order, without duplicates. */
    public List<Address> recipients() {
        return recipients;
    }

    /** Each redirected recipient, before and after. */
    public Map<Address, Address> redirected() {
        return redirected;
    }

    /** The header after the rewrite, with what was replaced and the fields that could not be parsed. */
    public HeaderRewrite headers() {
        return headers;
    }

    /** Why the mail was left alone, when its sender is exempt; {@link Exemption#notExempt()} otherwise. */
    public Exemption exemption() {
        return exemption;
    }

    public boolean changed() {
        return !redirected.isEmpty() || headers.changed();
    }
}
