package org.t2trewrite.matchers;

import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.rewrite.SenderIdentity;
import org.t2trewrite.mailets.Envelope;
import org.t2trewrite.mailets.RawMessage;

/** What our matchers read from a mail, without touching its body. */
final class MailFacts {
    private MailFacts() {
    }

    static HeaderSection header(Mail mail) throws MessagingException {
        return HeaderSection.parse(RawMessage.readHeader(mail.getMessage()));
    }

    static Optional<Address> senderIdentity(Mail mail) throws MessagingException {
        return SenderIdentity.of(header(mail), Envelope.sender(mail));
    }
}
