package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the relay's SMTP server does with input over its limits (issue 13): a line longer than
 * 8,192 octets refuses the whole message with one reply and relays nothing of it, a line at the
 * limit is relayed whole, raw 8-bit header bytes are refused rather than relayed as {@code ?} (8-bit
 * bodies pass), a client that goes on sending after its session ended cannot flood the log.
 */
class SmtpInputLimitsIT {
    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder().build();

    private static byte[] message(String id, String headerExtra, String bodyLine) {
        return ("From: frank@source.example\r\nTo: ext@external.example\r\nSubject: lines\r\n"
            + "Message-ID: <" + id + "@client.example>\r\n" + headerExtra + "\r\nbefore\r\n" + bodyLine + "\r\nafter\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static SmtpClient.Reply sendExpectingOneReply(byte[] message) throws Exception {
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            assertThat(client.command("MAIL FROM:<frank@source.example>").isPositive()).isTrue();
            assertThat(client.command("RCPT TO:<ext@external.example>").isPositive()).isTrue();
            assertThat(client.command("DATA").code()).isEqualTo(354);
            SmtpClient.Reply reply = client.data(message);
            // The next reply answers the next command: there was no second reply to the DATA.
            assertThat(client.command("NOOP").text()).as("reply to NOOP after %s", reply).contains("OK");
            return reply;
        }
    }

    @Test
    void refusesAMessageWithABodyLineOverTheLimitWithOneReplyAndRelaysNothingOfIt() throws Exception {
        SmtpClient.Reply reply = sendExpectingOneReply(message("long-body", "", "y".repeat(10_000)));

        assertThat(reply.code()).as("reply %s", reply).isEqualTo(554);
        assertThat(reply.text()).contains("5.6.0").contains("8192");
        RELAY.awaitLog("a line longer than 8192 octets (554 5.6.0)", Duration.ofSeconds(10));
        assertNothingRelayed("long-body");
    }

    @Test
    void refusesAMessageWithAOneMegabyteHeaderField() throws Exception {
        SmtpClient.Reply reply = sendExpectingOneReply(message("long-header", "X-Big: " + "h".repeat(1024 * 1024) + "\r\n", "body"));

        assertThat(reply.code()).as("reply %s", reply).isEqualTo(554);
        assertNothingRelayed("long-header");
    }

    @Test
    void relaysALineOfExactly8192OctetsWhole() throws Exception {
        String line = "z".repeat(8192);
        SmtpClient.Reply reply = sendExpectingOneReply(message("at-limit", "", line));

        assertThat(reply.code()).as("reply %s", reply).isEqualTo(250);
        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<at-limit@client.example>"), 1,
            Duration.ofSeconds(60));
        assertThat(delivered.get(0).dataAsString()).contains("\r\nbefore\r\n" + line + "\r\nafter\r\n");
    }

    @Test
    void refusesAMessageWithRawEightBitHeaderBytesInsteadOfRelayingThemAsQuestionMarks() throws Exception {
        // A legacy client's raw UTF-8 Subject: James would write it as "R??union" at its first queue.
        byte[] sent = message("eight-bit-header", "X-Note: R\u00c3\u00a9union\r\n", "body");

        SmtpClient.Reply reply = sendExpectingOneReply(sent);

        assertThat(reply.code()).as("reply %s", reply).isEqualTo(554);
        assertThat(reply.text()).contains("5.6.0").contains("SMTPUTF8");
        RELAY.awaitLog("raw 8-bit bytes in its header (first in field 'X-Note')", Duration.ofSeconds(10));
        assertNothingRelayed("eight-bit-header");
    }

    @Test
    void relaysEightBitBodyBytesAsTheyCame() throws Exception {
        byte[] sent = message("eight-bit-body", "", "na\u00c3\u00afve caf\u00c3\u00a9");

        SmtpClient.Reply reply = sendExpectingOneReply(sent);

        assertThat(reply.code()).as("reply %s", reply).isEqualTo(250);
        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<eight-bit-body@client.example>"), 1,
            Duration.ofSeconds(60));
        Messages.assertRelayedAs(delivered.get(0).data(), sent);
    }

    @Test
    void aCommandLineOverTheLimitGetsJamesReplyAndTheSessionGoesOn() throws Exception {
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            SmtpClient.Reply reply = client.command("NOOP " + "n".repeat(10_000));
            assertThat(reply.code()).isEqualTo(500);
            assertThat(client.command("MAIL FROM:<frank@source.example>").isPositive()).isTrue();
        }
    }

    @Test
    void aClientSendingAfterItsSessionEndedCannotFloodTheLog() throws Exception {
        long before = RELAY.log().lines().count();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), RELAY.smtpPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("EHLO client.example\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] lines = "xxxxxxxx\r\n".repeat(30_000).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 10; i++) {
                    out.write(lines);
                }
                out.flush();
            } catch (java.io.IOException closedByTheServer) {
                // the server may close before everything is written: what it read is what matters
            }
            try {
                while (in.read() != -1) {
                    // drain until the server closes
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // closed or reset by the server
            }
        }
        // a mail sent afterwards marks the point where the flood's log lines, if any, were written
        RELAY.send("frank@source.example", List.of("ext@external.example"), message("after-flood", "", "body"));
        RELAY.sink().await(d -> d.dataAsString().contains("<after-flood@client.example>"), 1, Duration.ofSeconds(60));
        List<String> added = RELAY.log().lines().skip(before).collect(java.util.stream.Collectors.toList());
        assertThat(added).as("log lines written for one flooding session and one mail").hasSizeLessThan(100)
            .noneMatch(line -> line.contains("Received a command after close"));
    }

    private static void assertNothingRelayed(String id) throws Exception {
        RELAY.send("frank@source.example", List.of("ext@external.example"), message(id + "-next", "", "body"));
        RELAY.sink().await(d -> d.dataAsString().contains("<" + id + "-next@client.example>"), 1, Duration.ofSeconds(60));
        assertThat(RELAY.sink().deliveries()).noneMatch(d -> d.dataAsString().contains("<" + id + "@client.example>"));
    }
}
