package org.t2trewrite.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.glue.MatcherCondition;

/**
 * In the {@code error} processor: matches a mail that came there because of a failure that goes
 * away by itself, so that it is retried later instead of kept for a human. Today that is one
 * failure: the directory had no snapshot to decide with (not yet synced, Graph unreachable since
 * start-up with no persisted snapshot).
 *
 * <pre>{@code
 * <processor state="error">
 *     <mailet match="org.t2trewrite.matchers.IsTemporaryFailure" class="ToProcessor">
 *         <processor>t2t-retry</processor>
 *     </mailet>
 *     ...
 * }</pre>
 *
 * <p>Condition: none (any other stops James at start-up). Reads the exception James records in
 * {@link Mail#MAILET_ERROR} when a matcher or mailet throws, with its causes and
 * {@code MessagingException#getNextException()} chain.
 *
 * <p>On failure: cannot fail; a mail without a recorded exception does not match.
 *
 * <p>Limitations: the recorded exception is not carried through a mail queue (James drops
 * attributes it cannot serialise): match in the processor James sent the mail to, before any
 * {@code Requeue}.
 */
public class IsTemporaryFailure extends GenericMatcher {
    @Override
    public void init() throws MessagingException {
        MatcherCondition.oneOf(this);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return isTemporary(mail) ? mail.getRecipients() : List.of();
    }

    static boolean isTemporary(Mail mail) {
        Optional<Throwable> recorded = mail.getAttribute(Mail.MAILET_ERROR)
            .map(attribute -> attribute.getValue().value())
            .filter(Throwable.class::isInstance)
            .map(Throwable.class::cast);
        return recorded.map(IsTemporaryFailure::hasTemporaryCause).orElse(false);
    }

    private static boolean hasTemporaryCause(Throwable failure) {
        // Bounded: a cause chain with a cycle must not hang the spool thread.
        Throwable current = failure;
        for (int depth = 0; current != null && depth < 20; depth++) {
            if (current instanceof DirectoryUnavailableException) {
                return true;
            }
            Throwable next = current.getCause();
            if (next == null && current instanceof MessagingException) {
                next = ((MessagingException) current).getNextException();
            }
            current = next;
        }
        return false;
    }

    @Override
    public String getMatcherInfo() {
        return "IsTemporaryFailure";
    }
}
