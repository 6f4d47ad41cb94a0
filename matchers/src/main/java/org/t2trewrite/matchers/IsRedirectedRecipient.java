package org.t2trewrite.matchers;

import java.util.Collection;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.plan.Selection;
import org.t2trewrite.core.plan.Selections;
import org.t2trewrite.glue.DecisionLog;
import org.t2trewrite.glue.Envelope;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.MatcherCondition;
import org.t2trewrite.glue.PinnedSnapshots;


/**
 * Selects the recipients that {@code RewriteRecipients} redirects: eligible people (DayOne or
 * DayTwo, not both) addressed in the tenant where their mailbox does not live. James gives them
 * a copy of their own, so the other recipients' copy keeps its header.
 *
 * <pre>{@code
 * <mailet match="org.t2trewrite.matchers.IsRedirectedRecipient" class="org.t2trewrite.mailets.RewriteRecipients"/>
 * }</pre>
 *
 * <p>Exceptions: an exempt recipient is never selected, nor any recipient of a mail from an
 * exempt sender; logged as {@code rule=exempt} when one would have been redirected.
 *
 * <p>Condition: none (any condition stops James at start-up).
 *
 * <p>On failure: an unavailable directory throws {@code MessagingException} (onMatchException;
 * by default the mail is kept by the {@code error} processor).
 */
public class IsRedirectedRecipient extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(IsRedirectedRecipient.class);

    private final PinnedSnapshots snapshots;

    @Inject
    public IsRedirectedRecipient(PinnedSnapshots snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public void init() throws MessagingException {
        MatcherCondition.oneOf(this);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        DirectorySnapshot snapshot = snapshots.forMail(mail);
        Selection selection = Selections.redirected(snapshot, MailMessages.senderIdentity(mail), Envelope.sender(mail),
            Envelope.recipients(mail.getRecipients()));
        selection.exemption().ifPresent(exemption ->
            LOGGER.info(DecisionLog.exemption(mail.getName(), getMatcherInfo(), "redirect", exemption)));
        return Envelope.select(mail, selection.selected());
    }

    @Override
    public String getMatcherInfo() {
        return "IsRedirectedRecipient";
    }
}
