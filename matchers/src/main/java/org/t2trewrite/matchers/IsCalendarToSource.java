package org.t2trewrite.matchers;

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
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.calendar.CalendarRewrite;
import org.t2trewrite.core.plan.Selection;
import org.t2trewrite.core.plan.Selections;
import org.t2trewrite.glue.DecisionLog;
import org.t2trewrite.glue.Envelope;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.MatcherCondition;
import org.t2trewrite.glue.MessageBytes;
import org.t2trewrite.glue.PinnedSnapshots;

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
 * {@code invites} — only messages that carry an invitation: a {@code text/calendar} or
 * {@code application/ics} part (inline or attached), an {@code .ics} attachment, or a message
 * that is itself {@code text/calendar} (the same parts {@code RewriteSender} rewrites). Any other
 * condition stops James at start-up.
 *
 * <p>A recipient's mailbox is in the source tenant when the directory says so for that person,
 * or when the address is in a source domain and belongs to nobody in the directory (a source
 * user who is not migrating). The sender is the first {@code From} address, else the envelope
 * sender; a sender in both groups (a conflict) matches nothing.
 *
 * <p>On failure: an unavailable directory throws {@code MessagingException} (onMatchException;
 * by default the mail is kept by the {@code error} processor).
 *
 * <p>Exceptions: a mail from an exempt sender selects nothing; an exempt recipient is never
 * selected (its copy is left alone further down: no matcher returns it); logged as
 * {@code rule=exempt} when it would have been selected.
 *
 * <p>The selected recipients' copy keeps the sender's target address in the header and in the
 * invitation alike: nothing in {@code t2t-to-source} rewrites it.
 *
 * <p>Limitations: {@code invites} does not look inside forwarded messages ({@code message/rfc822})
 * or TNEF ({@code winmail.dat}); a multipart too broken to walk is searched only as far as it can
 * be walked.
 */
public class IsCalendarToSource extends GenericMatcher {
    static final String INVITES_CONDITION = "invites";
    private static final Logger LOGGER = LoggerFactory.getLogger(IsCalendarToSource.class);

    private final PinnedSnapshots snapshots;
    private boolean invitesOnly;

    @Inject
    public IsCalendarToSource(PinnedSnapshots snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public void init() throws MessagingException {
        invitesOnly = MatcherCondition.oneOf(this, INVITES_CONDITION).isPresent();
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        DirectorySnapshot snapshot = snapshots.forMail(mail);
        Optional<Address> sender = MailMessages.senderIdentity(mail);
        MessagingException[] failure = new MessagingException[1];
        Selection selection = Selections.calendarToSource(snapshot, sender, Envelope.sender(mail),
            Envelope.recipients(mail.getRecipients()), invitesOnly, () -> {
                try {
                    return carriesCalendar(mail);
                } catch (MessagingException e) {
                    failure[0] = e;
                    return false;
                }
            });
        if (failure[0] != null) {
            throw failure[0];
        }
        selection.exemption().ifPresent(exemption ->
            LOGGER.info(DecisionLog.exemption(mail.getName(), getMatcherInfo(), "calendar copy", exemption)));
        if (selection.isEmpty()) {
            return ImmutableList.of();
        }
        LOGGER.info("mail={} rule=calendar-to-source sender={} recipients={} keep the sender's address",
            mail.getName(), sender.orElseThrow(), selection.selected());
        return Envelope.select(mail, selection.selected());
    }

    private static boolean carriesCalendar(Mail mail) throws MessagingException {
        MessageBytes message = MailMessages.read(mail);
        // The byte scan spares the body copy and MIME walk for mail that cannot carry a calendar.
        return message.containsAnyIgnoreCase(CalendarRewrite.MARKERS)
            && CalendarRewrite.carriesCalendar(message.header(), message.bodyCopy());
    }

    @Override
    public String getMatcherInfo() {
        return "IsCalendarToSource";
    }

}
