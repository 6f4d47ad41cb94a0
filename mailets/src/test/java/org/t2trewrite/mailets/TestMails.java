package org.t2trewrite.mailets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

/** Mails built the way James's SMTP server builds them: a MailImpl over the received bytes. */
final class TestMails {
    private TestMails() {
    }

    static MailImpl received(String sender, String[] recipients, String message) throws Exception {
        return received(sender, recipients, message.getBytes(StandardCharsets.UTF_8));
    }

    static MailImpl received(String sender, String[] recipients, byte[] message) throws Exception {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create("test-" + System.nanoTime());
        try (OutputStream out = source.getWritableOutputStream()) {
            out.write(message);
        }
        MailImpl.Builder builder = MailImpl.builder().name("mail-" + System.nanoTime())
            .mimeMessage(new MimeMessageWrapper(source));
        if (sender != null) {
            builder.sender(new MailAddress(sender));
        }
        for (String recipient : recipients) {
            builder.addRecipient(new MailAddress(recipient));
        }
        return builder.build();
    }

    /** What James would write to the queue or the SMTP client: the bytes of a copy of the mail. */
    static byte[] bytesOfCopy(Mail mail) throws MessagingException, IOException {
        MailImpl copy = MailImpl.duplicate(mail);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copy.getMessage().writeTo(out);
        return out.toByteArray();
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String[] rcpts(String... recipients) {
        return Arrays.copyOf(recipients, recipients.length);
    }
}
