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
 */
public final class RecipientRewrite {
    public static final Set<String> DESTINATION_FIELDS = ImmutableSet.of("To", "Cc");

    private final List<Address> recipients;
    private final Map<Address, Address> redirected;
    private final HeaderRewrite headers;

    private RecipientRewrite(List<Address> recipients, Map<Address, Address> redirected, HeaderRewrite headers) {
        this.recipients = recipients;
        this.redirected = redirected;
        this.headers = headers;
    }

    public static RecipientRewrite apply(DirectorySnapshot snapshot, HeaderSection header, List<Address> recipients) {
        Objects.requireNonNull(snapshot, "snapshot");
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
        return new RecipientRewrite(ImmutableList.copyOf(newRecipients), ImmutableMap.copyOf(redirected), headers);
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

    public boolean changed() {
        return !redirected.isEmpty() || headers.changed();
    }
}
