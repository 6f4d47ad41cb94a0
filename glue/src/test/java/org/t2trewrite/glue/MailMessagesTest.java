package org.t2trewrite.glue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.t2trewrite.core.header.HeaderSection;

class MailMessagesTest {
    private static final String MESSAGE = "From: Alice <alice@source.example>\r\n"
        + "To: ext@external.example\r\n"
        + "Subject: hi\r\n"
        + "\r\n"
        + "body line\r\n";

    private static MailImpl received(String message) throws Exception {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create("test-" + System.nanoTime());
        try (OutputStream out = source.getWritableOutputStream()) {
            out.write(message.getBytes(StandardCharsets.ISO_8859_1));
        }
        return MailImpl.builder().name("m1").sender(new MailAddress("alice@source.example"))
            .addRecipient(new MailAddress("ext@external.example")).mimeMessage(new MimeMessageWrapper(source)).build();
    }

    private static String written(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void copiesTheReceivedMessageAsHeaderLinesAndRawBody() throws Exception {
        MessageBytes bytes = MailMessages.copyOf(received(MESSAGE).getMessage());

        assertThat(bytes.size()).isEqualTo(MESSAGE.length());
        assertThat(bytes.header().fields()).hasSize(3);
        assertThat(new String(bytes.bodyCopy(), StandardCharsets.ISO_8859_1)).isEqualTo("body line\r\n");
    }

    @Test
    void readingAnInstalledMessageReturnsTheHeldBytesAndTheirParse() throws Exception {
        MailImpl mail = received(MESSAGE);
        MessageBytes bytes = MailMessages.copyOf(mail.getMessage());
        HeaderSection parsed = bytes.header();

        MailMessages.install(mail, bytes);

        assertThat(MailMessages.read(mail)).isSameAs(bytes);
        assertThat(MailMessages.header(mail)).isSameAs(parsed);
        assertThat(MailMessages.read(mail).senderIdentity(Envelope.sender(mail)))
            .isSameAs(MailMessages.senderIdentity(mail));
    }

    @Test
    void anInstalledMessageIsStreamedAsItsBytes() throws Exception {
        String malformed = "From: alice@source.example\r\nContent-Type: multipart/mixed\r\n\r\nno boundary at all\r\n";
        MailImpl mail = received(malformed);

        MailMessages.install(mail, MailMessages.copyOf(mail.getMessage()));

        assertThat(written(mail)).isEqualTo(malformed);
        assertThat(written(MailImpl.duplicate(mail))).isEqualTo(malformed);
    }

    @Test
    void aMessageChangedThroughJavaMailAfterInstallIsReadAgain() throws Exception {
        MailImpl mail = received(MESSAGE);
        MessageBytes bytes = MailMessages.copyOf(mail.getMessage());
        MailMessages.install(mail, bytes);

        mail.getMessage().setHeader("X-Stock-Mailet", "was here");

        MessageBytes again = MailMessages.read(mail);
        assertThat(again).isNotSameAs(bytes);
        assertThat(again.header().fields("X-Stock-Mailet")).hasSize(1);
    }

    @Test
    void withHeaderKeepsTheBodyBytes() throws Exception {
        MessageBytes bytes = MessageBytes.own(MESSAGE.getBytes(StandardCharsets.ISO_8859_1));

        MessageBytes changed = bytes.withHeader(bytes.header().without(field -> field.hasName("Subject")));

        assertThat(changed.size()).isEqualTo(MESSAGE.length() - "Subject: hi\r\n".length());
        assertThat(changed.bodyCopy()).isEqualTo(bytes.bodyCopy());
    }
}
