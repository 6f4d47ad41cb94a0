package org.t2trewrite.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.plan.Selection;
import org.t2trewrite.core.plan.Selections;
import org.t2trewrite.glue.DecisionLog;
import org.t2trewrite.glue.Envelope;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.MatcherCondition;
import org.t2trewrite.glue.PinnedSnapshots;

import com.google.common.collect.ImmutableList;

/**
 * Matches by membership of one eligibility group. Without a condition it asks about the mail's
 * sender identity (first {@code From} address, else the envelope sender) and matches all
 * recipients or none; with the condition {@code recipients} it returns the recipients that are
 * members. A person in both groups is a conflict: never matched, logged at WARN.
 *
 * <p>Exceptions (the directory's {@code exceptions}): a mail whose sender is exempt matches
 * nothing; an exempt recipient is never returned, so James gives it a copy of its own that the
 * mailet does not see. Each exemption that changes the answer is logged at INFO
 * ({@code rule=exempt}).
 */
abstract class GroupMemberMatcher extends GenericMatcher {
    static final String RECIPIENTS_CONDITION = "recipients";
    private static final Logger LOGGER = LoggerFactory.getLogger(GroupMemberMatcher.class);

    private final PinnedSnapshots snapshots;
    private final Group group;
    private boolean byRecipients;

    GroupMemberMatcher(PinnedSnapshots snapshots, Group group) {
        this.snapshots = snapshots;
        this.group = group;
    }

    @Override
    public void init() throws MessagingException {
        byRecipients = MatcherCondition.oneOf(this, RECIPIENTS_CONDITION).isPresent();
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        DirectorySnapshot snapshot = snapshots.forMail(mail);
        Optional<Address> sender = MailMessages.senderIdentity(mail);
        List<Address> recipients = Envelope.recipients(mail.getRecipients());
        Selection selection;
        if (byRecipients) {
            List<Address> members = recipients.stream()
                .filter(recipient -> isMember(snapshot, recipient, mail))
                .collect(ImmutableList.toImmutableList());
            selection = Selection.ofExemptions(members, snapshot.exemptions().decide(sender, Envelope.sender(mail), members));
        } else {
            sender.ifPresent(identity -> isMember(snapshot, identity, mail));
            selection = Selections.senderInGroup(snapshot, group, sender, Envelope.sender(mail), recipients);
        }
        selection.exemption().ifPresent(exemption ->
            LOGGER.info(DecisionLog.exemption(mail.getName(), getMatcherInfo(), "sender rewrite", exemption)));
        return Envelope.select(mail, selection.selected());
    }

    private boolean isMember(DirectorySnapshot snapshot, Address address, Mail mail) {
        Eligibility eligibility = snapshot.eligibility(address);
        if (eligibility == Eligibility.CONFLICT) {
            LOGGER.warn("mail={} {} is in both DayOne and DayTwo: configuration conflict, not rewritten",
                mail.getName(), address);
        }
        return eligibility.group().equals(Optional.of(group));
    }
}
