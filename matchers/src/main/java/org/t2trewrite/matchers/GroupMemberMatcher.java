package org.t2trewrite.matchers;

import java.util.Collection;
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
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.mailets.Envelope;

import com.google.common.collect.ImmutableList;

/**
 * Matches by membership of one eligibility group. Without a condition it asks about the mail's
 * sender identity (first {@code From} address, else the envelope sender) and matches all
 * recipients or none; with the condition {@code recipients} it returns the recipients that are
 * members. A person in both groups is a conflict: never matched, logged at WARN.
 */
abstract class GroupMemberMatcher extends GenericMatcher {
    static final String RECIPIENTS_CONDITION = "recipients";
    private static final Logger LOGGER = LoggerFactory.getLogger(GroupMemberMatcher.class);

    private final Directory directory;
    private final Group group;
    private boolean byRecipients;

    GroupMemberMatcher(Directory directory, Group group) {
        this.directory = directory;
        this.group = group;
    }

    @Override
    public void init() throws MessagingException {
        String condition = Optional.ofNullable(getCondition()).map(String::trim).orElse("");
        if (condition.isEmpty()) {
            byRecipients = false;
        } else if (condition.equals(RECIPIENTS_CONDITION)) {
            byRecipients = true;
        } else {
            throw new MessagingException(getClass().getSimpleName() + ": condition must be empty or '"
                + RECIPIENTS_CONDITION + "', not '" + condition + "'");
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        DirectorySnapshot snapshot = Envelope.snapshot(directory, mail);
        if (byRecipients) {
            return mail.getRecipients().stream()
                .filter(recipient -> isMember(snapshot, Envelope.toAddress(recipient), mail))
                .collect(ImmutableList.toImmutableList());
        }
        Optional<Address> sender = MailFacts.senderIdentity(mail);
        if (sender.isPresent() && isMember(snapshot, sender.get(), mail)) {
            return mail.getRecipients();
        }
        return ImmutableList.of();
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
