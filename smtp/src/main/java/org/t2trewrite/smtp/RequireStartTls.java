package org.t2trewrite.smtp;

import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;

import com.google.common.collect.ImmutableSet;

/**
 * Refuses {@code MAIL FROM} on a session that has not completed STARTTLS, with
 * {@code 530 5.7.0 Must issue a STARTTLS command first} (RFC 3207 §4), so that no mail enters
 * the relay in clear text. James 3.8.1 has no such switch for SMTP: {@code <auth><requireSSL>}
 * applies to AUTH only.
 *
 * <pre>{@code
 * <!-- smtpserver.xml, after CoreCmdHandlerLoader -->
 * <handlerchain>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 *     <handler class="org.t2trewrite.smtp.RequireStartTls">
 *         <enabled>${sys:t2t.smtp.requireTls}</enabled>
 *     </handler>
 * </handlerchain>
 * }</pre>
 *
 * <ul>
 *   <li>{@code enabled} — required, {@code true} or {@code false} — whether to refuse mail before
 *       STARTTLS; {@code false} lets every session through, so one smtpserver.xml serves both
 *       settings (./relay sets {@code t2t.smtp.requireTls} from {@code --require-tls}).</li>
 * </ul>
 *
 * <p>James runs {@code MailHook}s in chain order and stops at the first that does not decline;
 * this hook declines once TLS is active, and James's own hooks decide as before.
 *
 * <p>On failure: a missing, misspelt or non-boolean {@code enabled}, or any other element, stops
 * James at start-up naming the element and value. A session refused here can still STARTTLS and
 * try again (RFC 3207); a session that cannot (STARTTLS not configured on the server) can never
 * send mail, which is the point of the switch: ./relay allows {@code --require-tls} only with a
 * certificate.
 *
 * <p>Limitations: refuses {@code MAIL} only, the command every transaction starts with
 * ({@code RCPT} and {@code DATA} without it get James's {@code 503}); {@code EHLO},
 * {@code NOOP}, {@code RSET}, {@code QUIT}, {@code HELP}, {@code VRFY} and {@code EXPN} are
 * answered as before (this relay announces no AUTH).
 */
public final class RequireStartTls implements MailHook {
    static final String ENABLED = "enabled";
    /** The attribute every handler element has, read by James itself. */
    private static final String CLASS_ATTRIBUTE = "[@class]";
    private static final Set<String> KEYS = ImmutableSet.of(ENABLED, CLASS_ATTRIBUTE);

    static final HookResult MUST_STARTTLS_FIRST = HookResult.builder()
        .hookReturnCode(HookReturnCode.deny())
        // RFC 3207 §4: "530 Must issue a STARTTLS command first"; 5.7.0 per RFC 3463 (security, other).
        .smtpReturnCode(SMTPRetCode.AUTH_REQUIRED)
        .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.SECURITY_OTHER) + " Must issue a STARTTLS command first")
        .build();

    private boolean enabled;

    @Override
    public void init(Configuration config) throws ConfigurationException {
        Set<String> unknown = new TreeSet<>();
        for (Iterator<String> keys = config.getKeys(); keys.hasNext();) {
            String key = keys.next();
            if (!KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException(getClass().getName() + ": unknown element(s) " + unknown + "; known: <" + ENABLED + ">");
        }
        enabled = parseEnabled(config.getString(ENABLED, null));
    }

    private boolean parseEnabled(String value) throws ConfigurationException {
        if (value == null) {
            throw new ConfigurationException(getClass().getName() + ": <" + ENABLED + "> is required (true or false)");
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new ConfigurationException(getClass().getName() + ": <" + ENABLED + "> must be true or false, not '" + value + "'");
        }
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (enabled && !session.isTLSStarted()) {
            return MUST_STARTTLS_FIRST;
        }
        return HookResult.DECLINED;
    }
}
