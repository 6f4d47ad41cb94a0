package org.t2trewrite.matchers;

import java.util.Collection;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.rewrite.AddressRules;
import org.t2trewrite.glue.Envelope;
import org.t2trewrite.glue.MatcherCondition;
import org.t2trewrite.glue.PinnedSnapshots;

import com.google.common.collect.ImmutableList;

/**
 * Selects the recipients that {@code RewriteRecipients} redirects: eligible people (DayOne or
 * DayTwo, not both) addressed in the tenant where their mailbox does not live. James gives them
 * a copy of their own, so the other recipients' copy keeps its header.
 *
 * <pre>{@code
 * <mailet match="org.t2trewrite.matchers.IsRedirectedRecipient" class="org.t2trewrite.mailets.RewriteRecipients"/>
 * }</pre>
 *
 * <p>Condition: none (any condition stops James at start-up).
 *
 * <p>On failure: an unavailable directory throws {@code MessagingException} (onMatchException;
 * by default the mail is kept by the {@code error} processor).
 */
public class IsRedirectedRecipient extends GenericMatcher {
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
        AddressMapper home = AddressRules.mailboxHome(snapshot);
        return mail.getRecipients().stream()
            .filter(recipient -> home.replacementFor(Envelope.toAddress(recipient)).isPresent())
            .collect(ImmutableList.toImmutableList());
    }

    @Override
    public String getMatcherInfo() {
        return "IsRedirectedRecipient";
    }
}
