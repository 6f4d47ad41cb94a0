package org.t2trewrite.smtp;

import java.io.IOException;
import java.io.InputStream;

import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.smtpserver.ExtendedSMTPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, at the end of DATA, a message whose header section holds raw 8-bit bytes (a legacy
 * client's unencoded UTF-8 or Latin-1 {@code Subject} or display name): {@code 554 5.6.0}, with
 * one reply, nothing queued. Such a message would otherwise leave damaged: James 3.8.1 writes
 * header lines as US-ASCII each time it queues a mail (its {@code InternetHeadersInputStream}),
 * one {@code ?} per 8-bit byte, and its SMTP client sends from the last queue, so no mailet could
 * give the bytes back for good. 8-bit bodies are not affected and are relayed as they are.
 *
 * <pre>{@code
 * <!-- smtpserver.xml, after CoreCmdHandlerLoader -->
 * <handler class="org.t2trewrite.smtp.RefuseEightBitHeaders"/>
 * }</pre>
 *
 * <p>Why refusing is right here: without SMTPUTF8 (RFC 6531), which James does not offer, a
 * client must not send 8-bit header bytes at all (RFC 6532 §3.7); Exchange Online encodes such
 * headers (RFC 2047) for a server without SMTPUTF8, so mail from the tenants is not refused. The
 * sender's server returns the mail to its author with the reason, instead of the relay delivering
 * something else than it accepted.
 *
 * <p>Reads the received bytes (James's spool source of the DATA) up to the blank line that ends
 * the header section; nearly all mail costs that scan and nothing else. Each refusal is logged at
 * WARN with the sender, the client and the first offending field's name.
 *
 * <p>Parameters: none.
 *
 * <p>On failure: when the received bytes cannot be read, the mail gets {@code 451 4.3.0} (the
 * client tries again) rather than being accepted unchecked.
 */
public final class RefuseEightBitHeaders implements MessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RefuseEightBitHeaders.class);
    private static final int CHUNK = 8192;

    static final String REPLY = DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.CONTENT_OTHER)
        + " Message refused: its header has raw 8-bit bytes, which need SMTPUTF8 (RFC 6532); encode them (RFC 2047)";
    static final HookResult EIGHT_BIT_HEADER = HookResult.builder()
        .hookReturnCode(HookReturnCode.deny())
        .smtpReturnCode(SMTPRetCode.TRANSACTION_FAILED)
        .smtpDescription(REPLY)
        .build();
    static final HookResult UNREADABLE = HookResult.builder()
        .hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode(SMTPRetCode.LOCAL_ERROR)
        .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, DSNStatus.SYSTEM_OTHER) + " Temporary failure, try again later")
        .build();

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope envelope) {
        if (!(session instanceof ExtendedSMTPSession)) {
            return HookResult.DECLINED;
        }
        MimeMessageInputStreamSource received = ((ExtendedSMTPSession) session).getMimeMessageWriter();
        if (received == null) {
            return HookResult.DECLINED;
        }
        String offending;
        try (InputStream in = received.getInputStream()) {
            offending = firstEightBitField(in);
        } catch (IOException e) {
            LOGGER.warn("message from {} ({}): cannot read it to check its header bytes ({}); answered 451",
                envelope.getMaybeSender().asString(), clientIp(session), e.toString());
            return UNREADABLE;
        }
        if (offending == null) {
            return HookResult.DECLINED;
        }
        LOGGER.warn("refused a message from {} for {} recipient(s) from {}: raw 8-bit bytes in its header (first in field '{}') (554 5.6.0)",
            envelope.getMaybeSender().asString(), envelope.getRecipients().size(), clientIp(session), offending);
        return EIGHT_BIT_HEADER;
    }

    /**
     * The name of the first header field with a byte above 0x7F, or null when the header section
     * (up to the first empty line, or the end) has none.
     */
    static String firstEightBitField(InputStream in) throws IOException {
        byte[] buffer = new byte[CHUNK];
        StringBuilder name = new StringBuilder();
        boolean lineStart = true;
        boolean inName = false;
        int previous = '\n';
        int read;
        while ((read = in.read(buffer)) > 0) {
            for (int i = 0; i < read; i++) {
                int b = buffer[i] & 0xff;
                if (lineStart && (b == '\n' || (b == '\r' && previous == '\n'))) {
                    if (b == '\n') {
                        return null;
                    }
                    previous = b;
                    continue;
                }
                if (lineStart && b != ' ' && b != '\t') {
                    name.setLength(0);
                    inName = true;
                }
                lineStart = b == '\n';
                if (b >= 0x80) {
                    return name.length() == 0 ? "?" : name.toString();
                }
                if (inName) {
                    if (b == ':' || b == '\r' || b == '\n') {
                        inName = false;
                    } else {
                        name.append((char) b);
                    }
                }
                previous = b;
            }
        }
        return null;
    }

    private static String clientIp(SMTPSession session) {
        return session.getRemoteAddress() == null ? "?" : session.getRemoteAddress().getAddress().getHostAddress();
    }
}
