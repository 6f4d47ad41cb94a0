package org.t2trewrite.runtime.smtp;

import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, at the end of DATA and with one reply, a message in which a line was longer than
 * James's limit of 8,192 octets before the CRLF: {@code 554 5.6.0}, and nothing of it is queued.
 * Without it James relays such a message with the line cut out (see {@link SmtpLineGuard}, which
 * notices the line; both are needed, and the relay's server, {@code RelayServerMain}, installs the
 * guard).
 *
 * <pre>{@code
 * <!-- smtpserver.xml -->
 * <handlerchain>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 *     <handler class="org.t2trewrite.runtime.smtp.RefuseOverlongLines"/>
 * </handlerchain>
 * }</pre>
 *
 * <p>The limit: RFC 5321 §4.5.3.1.6 and RFC 5322 §2.1.1 allow 1,000 octets with the CRLF; real
 * mail exceeds that (long HTML lines, unfolded headers), and James and most receivers accept more,
 * so the relay accepts lines up to James's frame limit and relays them whole. A longer line is
 * refused rather than relayed because James cannot hold it: its decoder has already dropped it.
 * The refusal is permanent ({@code 5.6.0}, other media error): sending the same message again
 * would fail the same way, and the sending server returns it to its author with the reason.
 *
 * <p>Parameters: none. Logged at WARN once per refused message, with the sender and the number of
 * recipients. Safe on a server without the guard: nothing marks the session, nothing is refused.
 */
public final class RefuseOverlongLines implements MessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RefuseOverlongLines.class);
    static final int LIMIT = 8192;
    static final AttachmentKey<Boolean> OVERLONG_LINE = AttachmentKey.of("t2t-overlong-line", Boolean.class);
    static final String REPLY = "5.6.0 Message refused: it has a line longer than " + LIMIT
        + " octets (RFC 5322 2.1.1 allows 998); nothing of it was relayed";

    /** Notes that the current transaction's data had a line over the limit. */
    static void markOverlongLine(SMTPSession session) {
        session.setAttachment(OVERLONG_LINE, Boolean.TRUE, State.Transaction);
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
        if (session.getAttachment(OVERLONG_LINE, State.Transaction).isEmpty()) {
            return HookResult.DECLINED;
        }
        LOGGER.warn("refused a message from {} for {} recipient(s) from {}: a line longer than {} octets (554 5.6.0)",
            mail.getMaybeSender().asString(), mail.getRecipients().size(),
            session.getRemoteAddress().getAddress().getHostAddress(), LIMIT);
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode("554")
            .smtpDescription(REPLY)
            .build();
    }
}
