package org.t2trewrite.mailets;

import java.util.Set;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.MessageBytes;

/**
 * Re-installs the message as James received it (minus what earlier mailets removed, such as
 * {@code Bcc}), so that no later copy re-serialises it.
 *
 * <p>Stock James marks every relayed message modified in {@code transport} (the mandatory
 * {@code RemoveMimeHeader bcc} does so even without a {@code Bcc}); the next copy of a modified
 * message reorders headers, adds {@code Date}/{@code Message-ID} and fails on malformed MIME.
 * Run this mailet first in the processor that follows {@code transport}, before any matcher that
 * splits recipients. It changes no byte of the header lines or the body.
 *
 * <pre>{@code
 * <mailet match="All" class="org.t2trewrite.mailets.PreserveMessageBytes"/>
 * }</pre>
 *
 * <p>Parameters: none.
 *
 * <p>On failure: a message that cannot be read throws {@link MessagingException}; James sends the
 * mail to the {@code error} processor, which keeps it.
 *
 * <p>Cost: one copy of the message, the only one our pieces make of a mail nobody rewrites;
 * the matchers and mailets that follow read these bytes and their parse without copying
 * ({@link MailMessages}).
 *
 * <p>Limitations: see {@link MailMessages} (whole message in memory; a missing blank line after
 * the header section is added).
 */
public class PreserveMessageBytes extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(PreserveMessageBytes.class);

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MessageBytes message = MailMessages.copyOf(mail.getMessage());
        MailMessages.install(mail, message);
        LOGGER.debug("mail {}: message bytes preserved ({} bytes)", mail.getName(), message.size());
    }

    @Override
    public String getMailetInfo() {
        return "PreserveMessageBytes";
    }
}
