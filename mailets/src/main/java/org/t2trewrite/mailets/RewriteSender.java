package org.t2trewrite.mailets;

import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Exemptions;
import org.t2trewrite.core.rewrite.AddressRules;
import org.t2trewrite.core.rewrite.SenderRewrite;
import org.t2trewrite.glue.DecisionLog;
import org.t2trewrite.glue.Envelope;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.MessageBytes;
import org.t2trewrite.glue.PinnedSnapshots;
import org.t2trewrite.glue.RewriteAttributes;

/**
 * Presents every eligible person in the mail with the address of their group: DayOne members
 * with their target address, DayTwo members with their source address (design flows 1 and 2).
 *
 * <pre>{@code
 * <mailet match="org.t2trewrite.matchers.IsDayOneMember" class="org.t2trewrite.mailets.RewriteSender"/>
 * <mailet match="org.t2trewrite.matchers.IsDayTwoMember" class="org.t2trewrite.mailets.RewriteSender"/>
 * }</pre>
 *
 * <p>Rewrites, for every eligible person (primary address or alias, any case): the envelope
 * sender (a null sender stays null), the originator fields {@code From}, {@code Sender},
 * {@code Reply-To}, {@code Resent-From}, {@code Resent-Sender},
 * {@code Disposition-Notification-To}, {@code Return-Receipt-To}, and the destination fields
 * {@code To}, {@code Cc}, {@code Resent-To}, {@code Resent-Cc} (so reply-all stays consistent).
 * Only the address bytes change: display names, comments, encoded words, folding, every other
 * field and the body are kept byte for byte. The same rule applies inside invitations
 * ({@code text/calendar}, {@code application/ics} and {@code .ics} parts: {@code ORGANIZER},
 * {@code ATTENDEE}, {@code X-MS-OLK-SENDER}, {@code SENT-BY}, {@code DELEGATED-TO/FROM},
 * {@code EMAIL}) and delivery or read reports ({@code multipart/report}: {@code Final-Recipient},
 * {@code Original-Recipient}, the returned {@code From}/{@code To}/{@code Cc}), byte for byte
 * elsewhere. When anything changed, the mail gets the attribute
 * {@code org.t2trewrite.signing-domain} naming the domain of its (new) first {@code From}
 * address, for {@code DkimSignRewritten}. A mail that is already presented (its sender identity
 * is an eligible person's presented address: a kept mail re-injected, a James retry) gets the
 * same mark, so that it is signed exactly as if it had passed once. Idempotent: a second run
 * changes nothing.
 *
 * <p>Exceptions (the directory's {@code exceptions}): a mail from an exempt sender is left exactly
 * as it came and is not marked for signing. A mail that still carries an exempt recipient (the
 * mailet matched with {@code All} or a foreign matcher, so nobody split it off) is not rewritten
 * either, logged at WARN: the exempt recipient wins, because the header is shared by every
 * recipient. Our matchers give exempt recipients a copy of their own, so this does not happen
 * with them. Both are logged as {@code rule=exempt}.
 *
 * <p>Metrics (James's {@link MetricFactory}; WebAdmin {@code /metrics} adds {@code _total}):
 * {@value #REWRITTEN_METRIC} counts mails whose addresses it changed (not those already
 * presented); a mail James runs through twice counts twice.
 *
 * <p>Parameters: none. The directory comes from the Guice module named in
 * {@code extensions.properties}; the decision uses the snapshot the mail's matcher used
 * ({@link PinnedSnapshots}), so the matcher's decision is the one applied.
 *
 * <p>On failure: an unavailable directory throws {@link MessagingException}; James sends the
 * mail to the processor's error handling (the {@code error} processor keeps it). An address
 * field that cannot be parsed is left exactly as it was, logged at WARN, and the mail goes on.
 *
 * <p>Limitations: addresses inside text bodies (signatures, quoted replies, an invitation's
 * {@code DESCRIPTION}), TNEF ({@code winmail.dat}) and forwarded invitations inside
 * {@code message/rfc822} are not rewritten; a body part that cannot be edited safely is left as
 * it was, logged at WARN; a replacement address that needs SMTPUTF8 is written as
 * UTF-8, which only SMTPUTF8 peers accept.
 */
public class RewriteSender extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(RewriteSender.class);

    static final String REWRITTEN_METRIC = "t2t_mail_rewritten_sender";

    private final PinnedSnapshots snapshots;
    private final Metric rewritten;

    @Inject
    public RewriteSender(PinnedSnapshots snapshots, MetricFactory metrics) {
        this.snapshots = snapshots;
        this.rewritten = metrics.generate(REWRITTEN_METRIC);
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        DirectorySnapshot snapshot = snapshots.forMail(mail);
        MessageBytes message = MailMessages.read(mail);
        Optional<Address> sender = Envelope.sender(mail);
        SenderRewrite rewrite = SenderRewrite.apply(snapshot, message.header(), sender);
        if (rewrite.exemption().isExempt()) {
            LOGGER.info("mail={} rule=exempt by=RewriteSender sender={} {}: not rewritten, not signed", mail.getName(),
                sender.map(Address::toString).orElse("<>"), rewrite.exemption());
            return;
        }
        Exemptions.Decision recipients = snapshot.exemptions().decide(message.senderIdentity(sender), sender,
            Envelope.recipients(mail.getRecipients()));
        if (recipients.any()) {
            LOGGER.warn(DecisionLog.exemption(mail.getName(), "RewriteSender", "sender rewrite", recipients)
                + " shares this copy with other recipients: nothing rewritten; match with IsDayOneMember/IsDayTwoMember"
                + " to give exempt recipients their own copy");
            return;
        }

        BodyUpdate body = BodyUpdate.apply(mail, message, rewrite.headers().section(), AddressRules.presented(snapshot),
            "sender", LOGGER);
        HeaderUpdate.apply(mail, message, rewrite.headers(), body, "sender", LOGGER);
        if (!rewrite.changed() && !body.changed()) {
            // Already presented (a kept mail re-injected, a retry): signed as if it had passed once.
            // Nothing changed, so the identity is the one the matcher computed, held with the message.
            Optional<Domain> presented = SenderRewrite.alreadyPresentedDomain(snapshot, message.senderIdentity(sender));
            presented.ifPresent(domain -> markForSigning(mail, domain));
            LOGGER.info("mail={} rule=sender unchanged sender={} signing-domain={}", mail.getName(),
                sender.map(Address::toString).orElse("<>"), presented.map(Object::toString).orElse("-"));
            return;
        }
        if (rewrite.senderChanged()) {
            Envelope.setSender(mail, rewrite.sender());
        }
        Optional<Domain> signingDomain = rewrite.signingDomain()
            .or(() -> SenderRewrite.domainSpokenFor(rewrite.headers().section(), rewrite.sender()));
        signingDomain.ifPresent(domain -> markForSigning(mail, domain));
        rewritten.increment();
        LOGGER.info("mail={} rule=sender sender={}->{} headers={} body={} signing-domain={}", mail.getName(),
            sender.map(Address::toString).orElse("<>"), rewrite.sender().map(Address::toString).orElse("<>"),
            DecisionLog.replacements(rewrite.headers().replacements()), DecisionLog.replacements(body.replacements()),
            signingDomain.map(Object::toString).orElse("-"));
    }

    private static void markForSigning(Mail mail, Domain domain) {
        mail.setAttribute(new Attribute(RewriteAttributes.SIGNING_DOMAIN, AttributeValue.of(domain.name())));
    }

    @Override
    public String getMailetInfo() {
        return "RewriteSender";
    }
}
