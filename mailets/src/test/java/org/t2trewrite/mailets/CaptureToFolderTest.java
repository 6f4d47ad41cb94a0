package org.t2trewrite.mailets;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

class CaptureToFolderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00.123Z"), ZoneOffset.UTC);
    private static final String PLAIN = "From: \"Alice Smith\" <alice@source.example>\r\n"
        + "To: ext@external.example\r\n"
        + "Subject: Quarterly numbers\r\n"
        + "X-Custom:  keep   my   spacing\r\n"
        + "\r\n"
        + "Hello,\r\n.\r\n..two dots\r\n";
    // Malformed on purpose: a multipart without its boundary parameter (javax.mail cannot parse it).
    private static final String NO_BOUNDARY = "From: a@source.example\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed\r\n"
        + "\r\n"
        + "--x\r\nContent-Type: text/plain\r\n\r\nbody\r\n--x--\r\n";
    private static final String EIGHT_BIT = "From: b@source.example\r\nSubject: caf\u00e9\r\n\r\nna\u00efve 8-bit body\r\n";

    @TempDir
    Path tmp;

    @Test
    void initAcceptsTheDocumentedSnippetParameters() throws Exception {
        // The Javadoc snippet's only parameter, "folder" (its value points into the test's folder).
        CaptureToFolder mailet = initialised(tmp.resolve("capture"));

        assertThat(mailet.folder()).isEqualTo(tmp.resolve("capture").toAbsolutePath());
        assertThat(tmp.resolve("capture")).isDirectory();
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
            Arguments.of("missing folder", Map.of(), "parameter 'folder' is required"),
            Arguments.of("blank folder", Map.of("folder", "  "), "parameter 'folder' is required"),
            Arguments.of("unknown parameter", Map.of("folder", "x", "foldr", "y"), "Unexpected init parameters found: [foldr]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigurations")
    void rejectsBadConfigurationAtStartUp(String name, Map<String, String> parameters, String message) {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("CaptureToFolder");
        parameters.forEach((key, value) -> config.setProperty(key, value.equals("x") ? tmp.resolve("x").toString() : value));

        assertThatThrownBy(() -> new CaptureToFolder(CLOCK).init(config.build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining(message);
    }

    @Test
    void rejectsAFolderThatIsAFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");

        assertThatThrownBy(() -> initialised(file))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("parameter 'folder'")
            .hasMessageContaining(file.toString());
    }

    static Stream<Arguments> messages() {
        return Stream.of(
            Arguments.of("plain text with dot lines", PLAIN),
            Arguments.of("multipart without boundary", NO_BOUNDARY),
            Arguments.of("8-bit header and body without MIME", EIGHT_BIT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void writesTheExactMessageBytesOncePerRecipient(String name, String raw) throws Exception {
        CaptureToFolder mailet = initialised(tmp);
        FakeMail mail = mail("Mail1", raw, "alice@source.example", "ext@external.example", "bob@target.example");

        mailet.service(mail);

        assertThat(emlFiles()).hasSize(2);
        for (Path eml : emlFiles()) {
            assertThat(Files.readAllBytes(eml)).isEqualTo(raw.getBytes(ISO_8859_1));
        }
    }

    @Test
    void writesOneEnvelopePerRecipientCopy() throws Exception {
        CaptureToFolder mailet = initialised(tmp);

        mailet.service(mail("Mail1", PLAIN, "alice@source.example", "ext@external.example", "bob@target.example"));

        assertThat(envelope("20261124T100000.123Z-Mail1-1.json"))
            .containsEntry("mail_from", "alice@source.example")
            .containsEntry("rcpts", List.of("ext@external.example"))
            .containsEntry("mail", "Mail1");
        assertThat(envelope("20261124T100000.123Z-Mail1-2.json"))
            .containsEntry("rcpts", List.of("bob@target.example"));
        assertThat(tmp.resolve("20261124T100000.123Z-Mail1-2.eml")).exists();
    }

    @Test
    void writesTheNullSenderAsAnEmptyMailFrom() throws Exception {
        CaptureToFolder mailet = initialised(tmp);
        FakeMail mail = FakeMail.builder().name("Dsn1").mimeMessage(message(PLAIN)).sender(MaybeSender.nullSender())
            .recipient("alice@source.example").build();

        mailet.service(mail);

        assertThat(envelope("20261124T100000.123Z-Dsn1-1.json")).containsEntry("mail_from", "");
    }

    @Test
    void leavesOutTheBccHeaderLikeAnSmtpClient() throws Exception {
        CaptureToFolder mailet = initialised(tmp);
        String withBcc = "From: a@source.example\r\nBcc: secret@source.example\r\nSubject: s\r\n\r\nbody\r\n";

        mailet.service(mail("Mail1", withBcc, "a@source.example", "x@external.example"));

        assertThat(Files.readString(emlFiles().get(0), ISO_8859_1))
            .isEqualTo("From: a@source.example\r\nSubject: s\r\n\r\nbody\r\n");
    }

    @Test
    void endsTheMailsProcessing() throws Exception {
        CaptureToFolder mailet = initialised(tmp);
        FakeMail mail = mail("Mail1", PLAIN, "a@source.example", "x@external.example");

        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void keepsAMailWithoutRecipients() throws Exception {
        CaptureToFolder mailet = initialised(tmp);
        FakeMail mail = FakeMail.builder().name("Mail1").mimeMessage(message(PLAIN)).sender("a@source.example").build();

        mailet.service(mail);

        assertThat(envelope("20261124T100000.123Z-Mail1-0.json")).containsEntry("rcpts", List.of());
        assertThat(tmp.resolve("20261124T100000.123Z-Mail1-0.eml")).exists();
    }

    @Test
    void replacesCharactersOfTheMailNameThatDoNotBelongInAFileName() throws Exception {
        CaptureToFolder mailet = initialised(tmp);

        mailet.service(mail("Mail 1/../x!y", PLAIN, "a@source.example", "x@external.example"));

        assertThat(tmp.resolve("20261124T100000.123Z-Mail_1_.._x_y-1.eml")).exists();
    }

    @Test
    void leavesNoTemporaryFilesBehind() throws Exception {
        CaptureToFolder mailet = initialised(tmp);

        mailet.service(mail("Mail1", PLAIN, "a@source.example", "x@external.example", "y@external.example"));

        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".eml") || n.endsWith(".json"))
                .hasSize(4);
        }
    }

    @Test
    void runningTwiceOnTheSameMailWritesTheSameFiles() throws Exception {
        CaptureToFolder mailet = initialised(tmp);

        mailet.service(mail("Mail1", PLAIN, "a@source.example", "x@external.example"));
        mailet.service(mail("Mail1", PLAIN, "a@source.example", "x@external.example"));

        assertThat(emlFiles()).hasSize(1);
    }

    @Test
    void throwsWhenTheFolderIsGoneSoThatJamesKeepsTheMail() throws Exception {
        Path folder = tmp.resolve("capture");
        CaptureToFolder mailet = initialised(folder);
        Files.delete(folder);
        Files.writeString(folder, "now a file");

        assertThatThrownBy(() -> mailet.service(mail("Mail1", PLAIN, "a@source.example", "x@external.example")))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("cannot write");
    }

    private CaptureToFolder initialised(Path folder) throws MessagingException {
        CaptureToFolder mailet = new CaptureToFolder(CLOCK);
        mailet.init(FakeMailetConfig.builder()
            .mailetName("CaptureToFolder")
            .setProperty("folder", folder.toString())
            .build());
        return mailet;
    }

    private static FakeMail mail(String name, String raw, String sender, String... recipients) throws MessagingException {
        return FakeMail.builder().name(name).mimeMessage(message(raw)).sender(sender).recipients(recipients).build();
    }

    private static MimeMessage message(String raw) throws MessagingException {
        // Built from bytes, as PreserveMessageBytes installs it: unmodified, streamed as it is.
        return new MimeMessage(Session.getDefaultInstance(System.getProperties()),
            new SharedByteArrayInputStream(raw.getBytes(ISO_8859_1)));
    }

    private List<Path> emlFiles() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> p.toString().endsWith(".eml")).sorted().collect(Collectors.toList());
        }
    }

    private Map<String, Object> envelope(String fileName) throws IOException {
        return new ObjectMapper().readValue(tmp.resolve(fileName).toFile(), new TypeReference<Map<String, Object>>() { });
    }
}
