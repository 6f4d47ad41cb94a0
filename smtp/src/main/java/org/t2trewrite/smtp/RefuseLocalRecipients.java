package org.t2trewrite.smtp;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses at {@code RCPT} every recipient at one of James's local domains, for every client:
 * {@code 550 5.1.1}. The relay delivers nothing locally (its only local domain is
 * {@code localhost}, which James requires), so mail accepted for such an address could only be
 * stored, by anyone who can connect (issue 13: {@code postmaster@localhost},
 * {@code ext%external.example@localhost} and {@code "ext@external.example"@localhost} were).
 *
 * <pre>{@code
 * <!-- smtpserver.xml, after CoreCmdHandlerLoader -->
 * <handler class="org.t2trewrite.smtp.RefuseLocalRecipients"/>
 * }</pre>
 *
 * <p>Why not James's {@code ValidRcptHandler}, which refuses unknown local users: it answers
 * {@code 451} (try again) for a quoted local part holding an {@code @}, so the sender would retry
 * for days. A relay with no users needs no user lookup: the domain decides. {@code postmaster}
 * without a domain is James's default domain, and refused like the rest (RFC 5321 §4.5.1 asks
 * a destination to accept postmaster mail; the relay is no destination).
 *
 * <p>Parameters: none. Each refusal is logged at INFO with the recipient and the client's IP.
 *
 * <p>On failure: when the domain list cannot answer, the recipient gets {@code 451 4.3.0} and the
 * sender tries again later; nothing is accepted on a guess.
 */
public final class RefuseLocalRecipients implements RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RefuseLocalRecipients.class);

    static final HookResult NO_LOCAL_MAILBOXES = HookResult.builder()
        .hookReturnCode(HookReturnCode.deny())
        .smtpReturnCode(SMTPRetCode.MAILBOX_PERM_UNAVAILABLE)
        .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.ADDRESS_MAILBOX)
            + " No such mailbox: this relay delivers no mail locally")
        .build();
    static final HookResult DOMAINS_UNAVAILABLE = HookResult.builder()
        .hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode(SMTPRetCode.LOCAL_ERROR)
        .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, DSNStatus.SYSTEM_OTHER) + " Temporary failure, try again later")
        .build();

    private final DomainList domains;

    @Inject
    public RefuseLocalRecipients(DomainList domains) {
        this.domains = domains;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        try {
            if (!domains.containsDomain(rcpt.getDomain())) {
                return HookResult.DECLINED;
            }
        } catch (DomainListException | RuntimeException e) {
            LOGGER.warn("recipient {} from {}: the domain list cannot say whether {} is local ({}); answered 451",
                rcpt.asString(), clientIp(session), rcpt.getDomain().asString(), e.toString());
            return DOMAINS_UNAVAILABLE;
        }
        LOGGER.info("refused recipient {} from {}: {} is a local domain and the relay has no mailboxes (550 5.1.1)",
            rcpt.asString(), clientIp(session), rcpt.getDomain().asString());
        return NO_LOCAL_MAILBOXES;
    }

    private static String clientIp(SMTPSession session) {
        return session.getRemoteAddress() == null ? "?" : session.getRemoteAddress().getAddress().getHostAddress();
    }
}
