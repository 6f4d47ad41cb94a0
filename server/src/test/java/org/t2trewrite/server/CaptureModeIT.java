package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.t2trewrite.server.Messages.assertRelayedAs;
import static org.t2trewrite.server.Messages.message;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ./relay} as a user runs it, in its default capture mode: one {@code .eml} per recipient
 * copy with a {@code .json} envelope; mail that cannot be delivered is kept; a {@code --property}
 * reaches James; SIGTERM stops it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CaptureModeIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .launch(JamesRelay.Launch.RELAY_SCRIPT)
        .delivery(JamesRelay.Delivery.CAPTURE)
        .relayOptions("--property", "t2t.smtp.maxMessageSizeKb=512")
        .build();

    @Test
    @Order(1)
    void printsWhereItListens() throws Exception {
        assertThat(RELAY.log()).contains("SMTP on 127.0.0.1:" + RELAY.smtpPort());
    }

    @Test
    @Order(1)
    void offersNoStartTlsWithoutACertificate() throws Exception {
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            assertThat(client.announces("STARTTLS")).isFalse();
            assertThat(client.announces("PIPELINING")).as("the EHLO reply is read").isTrue();
        }
    }

    @Test
    @Order(1)
    void appliesAPropertyOptionOverJvmProperties() throws Exception {
        // jvm.properties says 153600 KB; --property t2t.smtp.maxMessageSizeKb=512 comes after it.
        StringBuilder large = new StringBuilder("From: frank@source.example\r\nTo: ext@external.example\r\n"
            + "Subject: size\r\nMessage-ID: <large@client.example>\r\n\r\n");
        while (large.length() < 1024 * 1024) {
            large.append("0123456789012345678901234567890123456789012345678901234567890123456789012345\r\n");
        }
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            assertThat(client.command("MAIL FROM:<frank@source.example>").isPositive()).isTrue();
            assertThat(client.command("RCPT TO:<ext@external.example>").isPositive()).isTrue();
            assertThat(client.command("DATA").code()).isEqualTo(354);

            SmtpClient.Reply reply = client.data(large.toString().getBytes(StandardCharsets.US_ASCII));

            assertThat(reply.code()).as("reply %s", reply).isEqualTo(552);
        }
    }

    @Test
    @Order(2)
    void writesOneEmlFilePerRecipientWithItsEnvelope() throws Exception {
        byte[] sent = message("capture", "Frank <frank@source.example>", "one@external.example, two@external.example",
            null, "Quarterly numbers");

        RELAY.send("frank@source.example", List.of("one@external.example", "two@external.example"), sent);

        List<Path> files = EmlFolder.await(RELAY.captureFolder(), "<capture@client.example>", 2, WAIT);
        assertThat(files).hasSize(2);
        for (Path eml : files) {
            assertRelayedAs(Files.readAllBytes(eml), sent);
        }
        assertThat(files.stream().map(EmlFolder::envelope).collect(Collectors.toList()))
            .extracting(envelope -> envelope.get("mail_from"), envelope -> envelope.get("rcpts"))
            .containsExactlyInAnyOrder(
                tuple("frank@source.example", List.of("one@external.example")),
                tuple("frank@source.example", List.of("two@external.example")));
    }

    @Test
    @Order(3)
    void keepsMailThatCannotBeDeliveredInTheErrorRepository() throws Exception {
        // The capture folder becomes a file: delivery fails, the mail must be kept, not lost.
        Path capture = RELAY.captureFolder();
        Path moved = capture.resolveSibling("capture.moved");
        Files.move(capture, moved);
        Files.writeString(capture, "not a folder");
        try {
            byte[] sent = message("undeliverable", "Frank <frank@source.example>", "ext@external.example", null, "kept");

            RELAY.send("frank@source.example", List.of("ext@external.example"), sent);

            List<WebAdmin.Kept> kept = RELAY.webAdmin().awaitKept("error", "<undeliverable@client.example>", 1, WAIT);
            assertThat(kept).as("kept mail; log tail:%n%s", RELAY.logTail()).hasSize(1);
            assertRelayedAs(kept.get(0).message, sent);
            assertThat(kept.get(0).recipients).containsExactly("ext@external.example");
            assertThat(kept.get(0).error).contains("CaptureToFolder");
        } finally {
            Files.delete(capture);
            Files.move(moved, capture);
        }
    }

    @Test
    @Order(4)
    void stopsOnSigterm() throws Exception {
        int exit = RELAY.stop();

        assertThat(RELAY.isRunning()).isFalse();
        // 143 = terminated by SIGTERM after the shutdown hooks ran; a forced kill would be 137.
        assertThat(exit).as("log tail:%n%s", RELAY.logTail()).isEqualTo(143);
        assertThat(RELAY.log()).contains("JAMES server stopped");
    }
}
