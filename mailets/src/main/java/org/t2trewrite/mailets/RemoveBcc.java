package org.t2trewrite.mailets;

import java.util.Set;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.MessageBytes;

/**
 * Removes every {@code Bcc} header field (RFC 5322 §3.6.3: blind recipients must not be shown to
 * the others) from the message bytes, changing no other byte, and installs the result as an
 * unmodified message.
 *
 * <p>Why, when James's mandatory {@code RemoveMimeHeader bcc} does the same: when it finds a
 * {@code Bcc}, the stock mailet calls {@code saveChanges()}, which adds {@code Date},
 * {@code Message-ID} and {@code MIME-Version} at the top of the header and fails on malformed
 * MIME. Run this mailet right before it in {@code transport}; the stock one then finds nothing to
 * remove and leaves the message alone (James still requires it to be there).
 *
 * <pre>{@code
 * <mailet match="All" class="org.t2trewrite.mailets.RemoveBcc"/>
 * <mailet match="All" class="RemoveMimeHeader">
 *     <name>bcc</name>
 *     <onMailetException>ignore</onMailetException>
 * </mailet>
 * }</pre>
 *
 * <p>Parameters: none.
 *
 * <p>On failure: a message that cannot be read throws {@link MessagingException}; James sends
 * the mail to the {@code error} processor, which keeps it.
 *
 * <p>Limitations: {@code Resent-Bcc} is kept, as James and its SMTP client keep it. A message
 * without {@code Bcc} is not touched. See {@link MailMessages} for how the bytes are carried.
 */
public class RemoveBcc extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(RemoveBcc.class);
    private static final String BCC = "Bcc";

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getMessage().getHeader(BCC) == null) {
            return;
        }
        MessageBytes message = MailMessages.copyOf(mail.getMessage());
        HeaderSection header = message.header();
        HeaderSection withoutBcc = header.without(field -> field.hasName(BCC));
        MailMessages.install(mail, message.withHeader(withoutBcc));
        LOGGER.debug("mail {}: {} Bcc field(s) removed", mail.getName(),
            header.fields().size() - withoutBcc.fields().size());
    }

    @Override
    public String getMailetInfo() {
        return "RemoveBcc";
    }
}
