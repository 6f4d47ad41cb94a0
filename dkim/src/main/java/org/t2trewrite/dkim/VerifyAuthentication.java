package org.t2trewrite.dkim;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.glue.Envelope;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.MessageBytes;
import org.t2trewrite.glue.RewriteAttributes;

/**
 * Verifies a mail's authentication before we change it: every DKIM signature, SPF for the
 * connecting IP and {@code MAIL FROM}, DMARC for the {@code From} domain and the ARC chain it
 * arrived with ({@link Authentication}), and records the results in the mail attributes
 * {@link RewriteAttributes#AUTHENTICATION_RESULTS} and {@link RewriteAttributes#ARC_CHAIN}, for
 * {@link ArcSeal} to seal after the change. Place it before each rewriting mailet, with the same
 * matcher, so that only mail about to be rewritten costs DNS look-ups.
 *
 * <pre>{@code
 * <mailet match="org.t2trewrite.matchers.IsRedirectedRecipient" class="org.t2trewrite.dkim.VerifyAuthentication">
 *     <sealingDomain>relay.example</sealingDomain>
 *     <authservId>relay.example</authservId>
 *     <dnsServer>127.0.0.1:5353</dnsServer>
 *     <dnsQueryTimeoutMillis>2000</dnsQueryTimeoutMillis>
 *     <dnsBudgetMillis>5000</dnsBudgetMillis>
 * </mailet>
 * }</pre>
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code sealingDomain} — default empty — the ARC sealing domain, as given to {@link ArcSeal};
 * empty: ARC is off and this mailet does nothing.</li>
 * <li>{@code authservId} — default the sealing domain — the authserv-id (RFC 8601 §2.5) our
 * results carry. Incoming {@code Authentication-Results} fields that claim it are removed: nobody
 * outside may speak for us. {@code ARC-Authentication-Results} fields are never removed (they
 * belong to ARC sets, which are kept whole).</li>
 * <li>{@code dnsServer} — default empty — {@code HOST:PORT} of the name server to ask; empty: the
 * system's ({@code /etc/resolv.conf}).</li>
 * <li>{@code dnsQueryTimeoutMillis} — default {@code 2000} — per query.</li>
 * <li>{@code dnsBudgetMillis} — default {@code 5000} — per mail: after it, every further look-up
 * is a temporary failure without a query ({@link CachedDns}).</li>
 * </ul>
 *
 * <p>Runs once per mail: a mail that already carries the results (James retry) or whose newest
 * ARC set is ours (its results say our authserv-id: a mail we sealed, reprocessed from a
 * repository) is not verified again, since it may have been changed by us since.
 *
 * <p>On failure: none that stops the mail. A DNS failure or a spent budget gives {@code temperror}
 * for that method; a malformed signature {@code neutral} or {@code permerror}; the mail always
 * goes on, and the results are logged at INFO. An unreadable message throws
 * {@link MessagingException} (James's {@code onMailetException} decides).
 *
 * <p>Limitations: each instance has its own DNS cache. SPF takes the HELO name James recorded
 * ({@code Mail.SMTP_HELO}), else the client's host name. DMARC's organisational domain is the last
 * two labels ({@link Dmarc}). The results are what the relay saw: for mail forwarded by a tenant,
 * SPF judges the tenant's IP address, not the original sender's.
 */
public class VerifyAuthentication extends GenericMailet {
    static final String SEALING_DOMAIN = "sealingDomain";
    static final String AUTHSERV_ID = "authservId";
    static final String DNS_SERVER = "dnsServer";
    static final String DNS_QUERY_TIMEOUT = "dnsQueryTimeoutMillis";
    static final String DNS_BUDGET = "dnsBudgetMillis";

    private static final Logger LOGGER = LoggerFactory.getLogger(VerifyAuthentication.class);

    private final DnsCaches dnsCaches;
    private final Clock clock;
    private String authservId;
    private CachedDns dns;

    @Inject
    public VerifyAuthentication(DnsCaches dnsCaches) {
        this.dnsCaches = dnsCaches;
        this.clock = dnsCaches.clock();
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(SEALING_DOMAIN, AUTHSERV_ID, DNS_SERVER, DNS_QUERY_TIMEOUT, DNS_BUDGET));
        String sealingDomain = getInitParameter(SEALING_DOMAIN, "").trim();
        if (sealingDomain.isEmpty()) {
            LOGGER.info("{}: no {}: ARC is off, mail is not verified", name(), SEALING_DOMAIN);
            return;
        }
        authservId = getInitParameter(AUTHSERV_ID, "").trim();
        if (authservId.isEmpty()) {
            authservId = sealingDomain.toLowerCase(Locale.ROOT);
        }
        if (!authservId.matches("[A-Za-z0-9.-]+")) {
            throw new MessagingException(name() + ": " + AUTHSERV_ID + " '" + authservId + "' is not a host name");
        }
        try {
            dns = dnsCaches.forSetting(getInitParameter(DNS_SERVER, ""), millis(DNS_QUERY_TIMEOUT, 2000), millis(DNS_BUDGET, 5000));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(name() + ": " + e.getMessage(), e);
        }
        LOGGER.info("{}: verifying as {} through {}", name(), authservId, dns);
    }

    private Duration millis(String parameter, int defaultValue) throws MessagingException {
        String value = getInitParameter(parameter, String.valueOf(defaultValue)).trim();
        try {
            int parsed = Integer.parseInt(value);
            if (parsed > 0) {
                return Duration.ofMillis(parsed);
            }
        } catch (NumberFormatException e) {
            // reported below with the parameter's name
        }
        throw new MessagingException(name() + ": " + parameter + " must be a positive number of milliseconds, not '" + value + "'");
    }

    private String name() {
        return getMailetConfig() != null && getMailetName() != null ? getMailetName() : getClass().getSimpleName();
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (dns == null || mail.getAttribute(RewriteAttributes.AUTHENTICATION_RESULTS).isPresent()) {
            return;
        }
        MessageBytes message = MailMessages.read(mail);
        HeaderSection fields = message.header();
        Optional<ArcChain.Set> newest = ArcChain.sets(fields).stream().reduce((first, second) -> second);
        if (newest.isPresent() && authservIdOf(newest.get().authenticationResultsPayload()).equalsIgnoreCase(authservId)) {
            LOGGER.info("mail={} rule=authentication skipped: the newest ARC set (i={}) is ours", mail.getName(),
                newest.get().instance());
            return;
        }
        HeaderSection kept = fields.without(field -> claims(field, authservId));
        if (kept.fields().size() != fields.fields().size()) {
            LOGGER.warn("mail={} rule=authentication removed {} Authentication-Results field(s) claiming our authserv-id {}",
                mail.getName(), fields.fields().size() - kept.fields().size(), authservId);
            MailMessages.install(mail, message.withHeader(kept));
            message = MailMessages.read(mail);
        }
        Optional<Address> sender = Envelope.sender(mail);
        Optional<String> clientIp = Optional.ofNullable(mail.getRemoteAddr()).filter(ip -> !ip.isEmpty());
        // James's SMTP server records the HELO/EHLO name (Mail.SMTP_HELO); else the client's host name.
        String helo = mail.getAttribute(Mail.SMTP_HELO).map(attribute -> attribute.getValue().value())
            .filter(String.class::isInstance).map(String.class::cast).filter(name -> !name.isEmpty())
            .or(() -> Optional.ofNullable(mail.getRemoteHost()).filter(host -> !host.isEmpty()))
            .orElse("unknown");
        Authentication results = Authentication.assess(authservId, kept, Crlf.normalise(message.bodyCopy()), clientIp,
            helo, sender, dns.budget(), clock.instant());
        mail.setAttribute(new Attribute(RewriteAttributes.AUTHENTICATION_RESULTS, AttributeValue.of(results.payload())));
        mail.setAttribute(new Attribute(RewriteAttributes.ARC_CHAIN, AttributeValue.of(results.chain().word())));
        LOGGER.info("mail={} rule=authentication results=\"{}\"", mail.getName(), results.payload());
    }

    /** The authserv-id an Authentication-Results payload starts with (RFC 8601 §2.2), comments skipped. */
    static String authservIdOf(String payload) {
        String value = payload.replaceAll("\\([^)]*\\)", " ").trim();
        int end = 0;
        while (end < value.length() && value.charAt(end) != ';' && !Character.isWhitespace(value.charAt(end))) {
            end++;
        }
        return value.substring(0, end);
    }

    /** Whether a field is one this mailet removes: an Authentication-Results claiming {@code authservId}. */
    static boolean claims(HeaderField field, String authservId) {
        return field.hasName("Authentication-Results")
            && authservIdOf(SignatureCheck.latin1(field.valueBytes())).equalsIgnoreCase(authservId);
    }

    @Override
    public String getMailetInfo() {
        return "VerifyAuthentication";
    }
}
