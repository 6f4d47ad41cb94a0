package org.t2trewrite.mailets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.rewrite.AddressRules;
import org.t2trewrite.core.rewrite.RecipientRewrite;
import org.t2trewrite.glue.DecisionLog;
import org.t2trewrite.glue.Envelope;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.MessageBytes;
import org.t2trewrite.glue.PinnedSnapshots;

/**
 * Redirects mail for an eligible person to the tenant where their mailbox lives now (design
 * flows 4, 5 and 6): an envelope recipient addressed in the other tenant becomes the person's
 * address in their mailbox's tenant, and its occurrences in {@code To} and {@code Cc} follow.
 *
 * <pre>{@code
 * <mailet match="org.t2trewrite.matchers.IsRedirectedRecipient" class="org.t2trewrite.mailets.RewriteRecipients"/>
 * }</pre>
 *
 * <p>The matcher gives the redirected recipients a copy of their own, so the other recipients'
 * copy keeps its header. With {@code match="All"} the header of the whole mail follows the
 * redirected recipients. Null-sender mail (bounces, receipts) is redirected like any other; its
 * sender stays null. Recipients of no eligible person, of a person in both groups (a conflict)
 * and of a person already addressed in their mailbox's tenant are kept. Idempotent.
 *
 * <p>Exceptions: a mail from an exempt sender is left as it came; an exempt recipient is never
 * redirected (and {@code IsRedirectedRecipient} never selects it); logged as {@code rule=exempt}.
 *
 * <p>Metrics (James's {@link MetricFactory}; WebAdmin {@code /metrics} adds {@code _total}):
 * {@value #REWRITTEN_METRIC} counts the mails (copies) it redirected, {@value #REDIRECTED_METRIC}
 * the recipients; a mail James runs through twice counts twice.
 *
 * <p>Parameters: none.
 *
 * <p>On failure: an unavailable directory throws {@link MessagingException} (the mail is kept
 * by the error processor). Unparseable {@code To}/{@code Cc} fields are left unchanged, logged
 * at WARN; the envelope is still redirected.
 *
 * <p>Invitations and reports in a redirected copy (a reply or counter-proposal to a rewritten
 * organizer, a bounce or read receipt about a rewritten mail) name every eligible person as the
 * tenant the copy goes to knows them: the organizer's {@code ORGANIZER} and its attendees'
 * {@code ATTENDEE} as that tenant's calendar stored them, a report's {@code Final-Recipient} and
 * returned header as that tenant sent them. Bytes elsewhere are kept (see {@code RewriteSender}).
 *
 * <p>Limitations: {@code Resent-To}/{@code Resent-Cc} and addresses in text bodies are not
 * rewritten.
 */
public class RewriteRecipients extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(RewriteRecipients.class);

    static final String REWRITTEN_METRIC = "t2t_mail_rewritten_recipients";
    static final String REDIRECTED_METRIC = "t2t_recipients_redirected";

    private final PinnedSnapshots snapshots;
    private final Metric rewritten;
    private final Metric redirected;

    @Inject
    public RewriteRecipients(PinnedSnapshots snapshots, MetricFactory metrics) {
        this.snapshots = snapshots;
        this.rewritten = metrics.generate(REWRITTEN_METRIC);
        this.redirected = metrics.generate(REDIRECTED_METRIC);
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        DirectorySnapshot snapshot = snapshots.forMail(mail);
        MessageBytes message = MailMessages.read(mail);
        RecipientRewrite rewrite = RecipientRewrite.apply(snapshot, message.header(), Envelope.sender(mail),
            Envelope.recipients(mail.getRecipients()));
        if (rewrite.exemption().isExempt()) {
            LOGGER.info("mail={} rule=exempt by=RewriteRecipients {}: not redirected", mail.getName(), rewrite.exemption());
            return;
        }

        BodyUpdate body = rewrite.redirected().isEmpty()
            ? BodyUpdate.none()
            : BodyUpdate.apply(mail, message, rewrite.headers().section(), bodyMapper(snapshot, rewrite), "recipients", LOGGER);
        HeaderUpdate.apply(mail, message, rewrite.headers(), body, "recipients", LOGGER);
        if (!rewrite.changed()) {
            return;
        }
        List<MailAddress> recipients = new ArrayList<>(rewrite.recipients().size());
        for (Address recipient : rewrite.recipients()) {
            recipients.add(Envelope.toMailAddress(recipient));
        }
        mail.setRecipients(recipients);
        rewritten.increment();
        redirected.add(rewrite.redirected().size());
        LOGGER.info("mail={} rule=recipients sender={} redirected={} headers={} body={}", mail.getName(),
            Envelope.sender(mail).map(Address::toString).orElse("<>"), DecisionLog.redirections(rewrite.redirected()),
            DecisionLog.replacements(rewrite.headers().replacements()), DecisionLog.replacements(body.replacements()));
    }

    /**
     * How invitations and reports in this copy name eligible people: as the tenant the copy now
     * goes to knows them ({@link AddressRules#inTenant}), because that tenant's calendar and sent
     * items hold those addresses (a reply's {@code ORGANIZER} must be the organizer's address there).
     * A copy redirected to both tenants at once cannot match both; it gets only its redirected
     * addresses changed, like its header.
     */
    private static AddressMapper bodyMapper(DirectorySnapshot snapshot, RecipientRewrite rewrite) {
        Set<Tenant> tenants = rewrite.redirected().values().stream()
            .map(address -> snapshot.tenants().tenantOf(address.domain()))
            .flatMap(Optional::stream)
            .collect(Collectors.toSet());
        if (tenants.size() == 1) {
            return AddressRules.inTenant(snapshot, tenants.iterator().next());
        }
        return AddressMapper.of(rewrite.redirected());
    }

    @Override
    public String getMailetInfo() {
        return "RewriteRecipients";
    }
}
