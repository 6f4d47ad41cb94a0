package org.t2trewrite.mailets;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.t2trewrite.core.header.HeaderRewrite;
import org.t2trewrite.glue.DecisionLog;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.MessageBytes;
import org.t2trewrite.glue.RewriteAttributes;

/** How our rewriting mailets apply a header (and body) rewrite to a mail: as bytes, and only when it changed. */
final class HeaderUpdate {
    private HeaderUpdate() {
    }

    /**
     * Logs the fields left unchanged because they could not be parsed (WARN: the mail still goes
     * on), and installs the rewritten header with the original body, or with the rewritten body,
     * when anything changed (one copy of the message, no re-serialisation), and then marks the
     * mail {@link RewriteAttributes#MESSAGE_CHANGED}.
     */
    static void apply(Mail mail, MessageBytes message, HeaderRewrite headers, BodyUpdate body, String rule, Logger logger)
        throws MessagingException {
        if (!headers.problems().isEmpty()) {
            logger.warn("mail={} rule={} unparseable fields left unchanged {}", mail.getName(), rule,
                DecisionLog.problems(headers.problems()));
        }
        if (body.changed()) {
            MailMessages.install(mail, message.with(headers.section(), body.body().orElseThrow()));
        } else if (headers.changed()) {
            MailMessages.install(mail, message.withHeader(headers.section()));
        } else {
            return;
        }
        // The author's signatures over what changed are broken now: ArcSeal seals such mail.
        mail.setAttribute(new Attribute(RewriteAttributes.MESSAGE_CHANGED, AttributeValue.of(true)));
    }
}
