package org.t2trewrite.mailets;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.glue.RewriteAttributes;

/**
 * Counts one more retry of a mail that hit a temporary failure, and once it has been retried
 * {@code maxAttempts} times sends it to {@code exhaustedProcessor} (which keeps it for a human)
 * instead. Put James's {@code Requeue} right after it: that is what puts the mail back in the
 * spool, with a delay.
 *
 * <pre>{@code
 * <processor state="t2t-retry">
 *     <mailet match="All" class="org.t2trewrite.mailets.RecordRetry">
 *         <maxAttempts>1440</maxAttempts>
 *         <exhaustedProcessor>kept-retries-exhausted</exhaustedProcessor>
 *     </mailet>
 *     <mailet match="All" class="Requeue">
 *         <processor>root</processor>
 *         <delay>5m</delay>
 *     </mailet>
 * </processor>
 * }</pre>
 *
 * <p>Parameters: {@code maxAttempts} — required, a positive number — how many retries before
 * giving up; {@code exhaustedProcessor} — required — where the mail goes then. Unknown
 * parameters, a missing or non-positive {@code maxAttempts} or an undefined processor stop James
 * at start-up.
 *
 * <p>Logs one WARN line per retry (mail, count, the failure James recorded) and one ERROR line
 * when giving up. The count is the mail attribute {@code org.t2trewrite.retry-count}.
 *
 * <p>On failure: cannot fail.
 *
 * <p>Limitations: counts attempts, not time: the time until giving up is about
 * {@code maxAttempts × delay} plus processing.
 */
public class RecordRetry extends GenericMailet {
    static final String MAX_ATTEMPTS = "maxAttempts";
    static final String EXHAUSTED_PROCESSOR = "exhaustedProcessor";
    private static final Logger LOGGER = LoggerFactory.getLogger(RecordRetry.class);

    private int maxAttempts;
    private ProcessingState exhaustedProcessor;

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(MAX_ATTEMPTS, EXHAUSTED_PROCESSOR));
        String attempts = getInitParameter(MAX_ATTEMPTS);
        try {
            maxAttempts = Integer.parseInt(attempts == null ? "" : attempts.trim());
        } catch (NumberFormatException e) {
            throw new MessagingException(MAX_ATTEMPTS + ": expected a positive number, got '" + attempts + "'");
        }
        if (maxAttempts < 1) {
            throw new MessagingException(MAX_ATTEMPTS + ": expected a positive number, got '" + attempts + "'");
        }
        String processor = getInitParameter(EXHAUSTED_PROCESSOR);
        if (processor == null || processor.isBlank()) {
            throw new MessagingException(EXHAUSTED_PROCESSOR + " is required");
        }
        exhaustedProcessor = new ProcessingState(processor.trim());
    }

    @Override
    public void service(Mail mail) {
        int done = retriesSoFar(mail);
        String reason = firstLine(mail.getErrorMessage());
        if (done >= maxAttempts) {
            LOGGER.error("mail={} gave up after {} retries, kept in {}: {}", mail.getName(), done,
                exhaustedProcessor.getValue(), reason);
            mail.setState(exhaustedProcessor.getValue());
            return;
        }
        int attempt = done + 1;
        mail.setAttribute(new Attribute(RewriteAttributes.RETRY_COUNT, AttributeValue.of(attempt)));
        LOGGER.warn("mail={} temporary failure, retry {} of {} later: {}", mail.getName(), attempt, maxAttempts, reason);
    }

    static int retriesSoFar(Mail mail) {
        return mail.getAttribute(RewriteAttributes.RETRY_COUNT)
            .map(attribute -> attribute.getValue().value())
            .filter(Integer.class::isInstance)
            .map(Integer.class::cast)
            .orElse(0);
    }

    private static String firstLine(String text) {
        if (text == null || text.isBlank()) {
            return "(no error recorded)";
        }
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).trim();
    }

    @Override
    public Collection<ProcessingState> requiredProcessingState() {
        return List.of(exhaustedProcessor);
    }

    @Override
    public String getMailetInfo() {
        return "RecordRetry";
    }
}
