package org.t2trewrite.matchers;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Lookup;
import org.t2trewrite.mailets.Envelope;
import org.t2trewrite.mailets.RawMessage;

import com.google.common.collect.ImmutableList;

/**
 * Selects, in mail from a DayTwo member, the recipients whose mailbox is still in the source
 * tenant: their copy keeps the sender's real (target) address, because free/busy, "propose new
 * time" and "create meeting from mail" only work with it (design flow 3). External recipients
 * of the same mail are not selected and get the rewritten copy.
 *
 * <pre>{@code
 * <mailet match="org.t2trewrite.matchers.IsCalendarToSource" class="ToProcessor">
 *     <processor>t2t-to-source</processor>
 * </mailet>
 * <mailet match="org.t2trewrite.matchers.IsCalendarToSource=invites" class="ToProcessor">
 *     <processor>t2t-to-source</processor>
 * </mailet>
 * }</pre>
 *
 * <p>Condition: none — every message from a DayTwo member, as the product page describes;
 * {@code invites} — only messages that carry a calendar object (a {@code text/calendar} part
 * or top-level type). Any other condition stops James at start-up.
 *
 * <p>A recipient's mailbox is in the source tenant when the directory says so for that person,
 * or when the address is in a source domain and belongs to nobody in the directory (a source
 * user who is not migrating). The sender is the first {@code From} address, else the envelope
 * sender; a sender in both groups (a conflict) matches nothing.
 *
 * <p>On failure: an unavailable directory throws {@code MessagingException} (onMatchException;
 * by default the mail is kept by the {@code error} processor).
 *
 * <p>Limitations: {@code invites} looks for {@code text/calendar} in the header and the raw
 * body, without parsing MIME (a broken multipart still counts); a body that merely quotes that
 * text also counts.
 */
public class IsCalendarToSource extends GenericMatcher {
    static final String INVITES_CONDITION = "invites";
    private static final Logger LOGGER = LoggerFactory.getLogger(IsCalendarToSource.class);
    private static final byte[] CALENDAR_TYPE = "text/calendar".getBytes(StandardCharsets.US_ASCII);

    private final Directory directory;
    private boolean invitesOnly;

    @Inject
    public IsCalendarToSource(Directory directory) {
        this.directory = directory;
    }

    @Override
    public void init() throws MessagingException {
        String condition = Optional.ofNullable(getCondition()).map(String::trim).orElse("");
        if (condition.isEmpty()) {
            invitesOnly = false;
        } else if (condition.equals(INVITES_CONDITION)) {
            invitesOnly = true;
        } else {
            throw new MessagingException("IsCalendarToSource: condition must be empty or '" + INVITES_CONDITION
                + "', not '" + condition + "'");
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        DirectorySnapshot snapshot = Envelope.snapshot(directory, mail);
        Optional<Address> sender = MailFacts.senderIdentity(mail);
        if (sender.isEmpty() || snapshot.eligibility(sender.get()) != Eligibility.DAY_TWO) {
            return ImmutableList.of();
        }
        ImmutableList<MailAddress> toSource = mail.getRecipients().stream()
            .filter(recipient -> mailboxInSource(snapshot, Envelope.toAddress(recipient)))
            .collect(ImmutableList.toImmutableList());
        if (toSource.isEmpty() || (invitesOnly && !carriesCalendar(mail))) {
            return ImmutableList.of();
        }
        LOGGER.info("mail={} rule=calendar-to-source sender={} recipients={} keep the sender's address",
            mail.getName(), sender.get(), toSource);
        return toSource;
    }

    private static boolean mailboxInSource(DirectorySnapshot snapshot, Address recipient) {
        Lookup lookup = snapshot.lookup(recipient);
        if (lookup.isFound()) {
            return lookup.person().map(Person::mailbox).orElseThrow() == Tenant.SOURCE;
        }
        return snapshot.tenants().tenantOf(recipient.domain()).equals(Optional.of(Tenant.SOURCE));
    }

    private static boolean carriesCalendar(Mail mail) throws MessagingException {
        RawMessage raw = RawMessage.read(mail.getMessage());
        return containsIgnoreCase(raw.header()) || containsIgnoreCase(raw.body());
    }

    private static boolean containsIgnoreCase(byte[] haystack) {
        outer:
        for (int i = 0; i <= haystack.length - CALENDAR_TYPE.length; i++) {
            for (int j = 0; j < CALENDAR_TYPE.length; j++) {
                byte b = haystack[i + j];
                byte lower = (b >= 'A' && b <= 'Z') ? (byte) (b + ('a' - 'A')) : b;
                if (lower != CALENDAR_TYPE[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public String getMatcherInfo() {
        return "IsCalendarToSource";
    }

}
