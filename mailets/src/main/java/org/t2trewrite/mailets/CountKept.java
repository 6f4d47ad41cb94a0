package org.t2trewrite.mailets;

import java.util.Set;
import java.util.regex.Pattern;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Counts a mail the relay keeps instead of relaying, under its reason, in James's metrics
 * ({@code t2t_mail_kept_<reason>}, {@code -} becoming {@code _}; WebAdmin {@code /metrics} shows
 * it with a {@code _total} suffix); the mail goes on unchanged to the mailet that keeps it.
 *
 * <pre>{@code
 * <mailet match="All" class="org.t2trewrite.mailets.CountKept">
 *     <reason>error</reason>
 * </mailet>
 * }</pre>
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@code reason} — required — lower-case letters, digits and {@code -}, starting with a
 *       letter (at most 40): one counter per reason, so that an alert can tell a directory
 *       outage ({@code error}) from a misconfigured client ({@code relay-denied}).</li>
 * </ul>
 *
 * <p>Put it right before the mailet that stores the mail, in each processor that keeps mail.
 * It counts mails, not recipients; a mail James runs through the processor twice counts twice.
 *
 * <p>On failure: a missing or malformed {@code reason} stops James at start-up. Counting cannot
 * fail.
 *
 * <p>Limitations: counts since James started (the memory server keeps metrics in memory).
 */
public class CountKept extends GenericMailet {
    static final String REASON = "reason";
    static final String METRIC_PREFIX = "t2t_mail_kept_";
    private static final Pattern VALID_REASON = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    private final MetricFactory metrics;
    private Metric kept;

    @Inject
    public CountKept(MetricFactory metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(REASON));
        String reason = getInitParameterAsOptional(REASON)
            .orElseThrow(() -> new MessagingException(getMailetName() + ": " + REASON + " is required"))
            .trim();
        if (!VALID_REASON.matcher(reason).matches()) {
            throw new MessagingException(getMailetName() + ": " + REASON + " must be lower-case letters, digits and '-', "
                + "starting with a letter (at most 40), not '" + reason + "'");
        }
        kept = metrics.generate(metricName(reason));
    }

    static String metricName(String reason) {
        return METRIC_PREFIX + reason.replace('-', '_');
    }

    @Override
    public void service(Mail mail) {
        kept.increment();
    }

    @Override
    public String getMailetInfo() {
        return "CountKept";
    }
}
