package org.t2trewrite.mailets;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RemoveBccTest {

    static Stream<Arguments> messagesWithBcc() {
        return Stream.of(
            Arguments.of("one Bcc",
                "From: a@source.example\r\nBcc: hidden@source.example\r\nSubject: s\r\n\r\nbody\r\n",
                "From: a@source.example\r\nSubject: s\r\n\r\nbody\r\n"),
            Arguments.of("folded Bcc, any case",
                "From: a@source.example\r\nBCC: one@source.example,\r\n\ttwo@source.example\r\nX-Custom:  keep   my   spacing\r\n\r\nbody\r\n",
                "From: a@source.example\r\nX-Custom:  keep   my   spacing\r\n\r\nbody\r\n"),
            Arguments.of("two Bcc fields, Resent-Bcc kept",
                "Bcc: x@source.example\r\nFrom: a@source.example\r\nResent-Bcc: r@source.example\r\nbcc: y@source.example\r\n\r\nbody\r\n",
                "From: a@source.example\r\nResent-Bcc: r@source.example\r\n\r\nbody\r\n"),
            Arguments.of("multipart without boundary",
                "From: a@source.example\r\nBcc: h@source.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\n\r\nbody\r\n--x--\r\n",
                "From: a@source.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\n\r\nbody\r\n--x--\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messagesWithBcc")
    void removesBccFieldsAndKeepsEveryOtherByte(String name, String sent, String expected) throws Exception {
        FakeMail mail = mail(sent);

        mailet().service(mail);

        assertThat(bytesAsSent(mail.getMessage())).isEqualTo(expected);
    }

    @Test
    void leavesAMessageWithoutBccUntouched() throws Exception {
        FakeMail mail = mail("From: a@source.example\r\nSubject: s\r\n\r\nbody\r\n");
        MimeMessage before = mail.getMessage();

        mailet().service(mail);

        assertThat(mail.getMessage()).isSameAs(before);
    }

    @Test
    void initAcceptsTheDocumentedSnippetParameters() {
        // The snippet has no parameters.
        RemoveBcc mailet = new RemoveBcc();

        assertThat(catchThrowable(
            () -> mailet.init(FakeMailetConfig.builder().mailetName("RemoveBcc").build()))).isNull();
    }

    @Test
    void rejectsParameters() {
        assertThatThrownBy(() -> new RemoveBcc().init(FakeMailetConfig.builder().mailetName("RemoveBcc")
            .setProperty("name", "bcc").build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("Unexpected init parameters found: [name]");
    }

    private static RemoveBcc mailet() throws MessagingException {
        RemoveBcc mailet = new RemoveBcc();
        mailet.init(FakeMailetConfig.builder().mailetName("RemoveBcc").build());
        return mailet;
    }

    private static FakeMail mail(String raw) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getDefaultInstance(System.getProperties()),
            new SharedByteArrayInputStream(raw.getBytes(ISO_8859_1)));
        return FakeMail.builder().name("Mail1").mimeMessage(message).sender("a@source.example")
            .recipient("x@external.example").build();
    }

    private static String bytesAsSent(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // As the SMTP client writes it (it would leave out Bcc itself; Content-Length too).
        message.writeTo(out, new String[] {"Content-Length"});
        return out.toString(ISO_8859_1);
    }
}
