package org.t2trewrite.mailets;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.t2trewrite.core.header.HeaderRewrite;

/** How our rewriting mailets apply a header rewrite to a mail: as bytes, and only when it changed. */
final class HeaderUpdate {
    private HeaderUpdate() {
    }

    /**
     * Logs the fields left unchanged because they could not be parsed (WARN: the mail still goes
     * on), and installs the rewritten header with the original body when anything changed.
     */
    static void apply(Mail mail, RawMessage raw, HeaderRewrite headers, String rule, Logger logger) throws MessagingException {
        if (!headers.problems().isEmpty()) {
            logger.warn("mail={} rule={} unparseable fields left unchanged {}", mail.getName(), rule,
                DecisionLog.problems(headers.problems()));
        }
        if (headers.changed()) {
            raw.withHeader(headers.section().toBytes()).installOn(mail);
        }
    }
}
