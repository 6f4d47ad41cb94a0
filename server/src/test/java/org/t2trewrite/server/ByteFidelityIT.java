package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.assertRelayedAs;
import static org.t2trewrite.server.Messages.bytes;
import static org.t2trewrite.server.Messages.message;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mail that nobody rewrites goes through the real James byte for byte, malformed mail included:
 * stock James would reorder headers, add Date/Message-ID and refuse broken MIME
 * (docs/design.md, "Byte fidelity").
 */
class ByteFidelityIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder().build();

    @Test
    void relaysMailOfSomeoneInNoGroupByteForByte() throws Exception {
        byte[] sent = message("nogroup", "Frank <frank@source.example>", "ext@external.example", null, "Quarterly numbers");

        RELAY.send("frank@source.example", List.of("ext@external.example"), sent);

        SmtpSink.Delivery delivered = single("nogroup");
        assertThat(delivered.mailFrom()).isEqualTo("frank@source.example");
        assertThat(delivered.rcpts()).containsExactly("ext@external.example");
        assertRelayedAs(delivered.data(), sent);
    }

    static Stream<Arguments> malformedMessages() {
        return Stream.of(
            Arguments.of("multipart without boundary",
                "From: frank@source.example\r\nTo: ext@external.example\r\nMessage-ID: <malformed-1@client.example>\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n"
                    + "--b1\r\nContent-Type: text/plain\r\n\r\npart one\r\n--b1--\r\n"),
            Arguments.of("broken Content-Type parameter list",
                "From: frank@source.example\r\nTo: ext@external.example\r\nMessage-ID: <malformed-2@client.example>\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset; format=\"flowed\r\n\r\nbody\r\n"),
            Arguments.of("8-bit text without MIME",
                "From: frank@source.example\r\nTo: ext@external.example\r\nMessage-ID: <malformed-3@client.example>\r\n"
                    + "Subject: 8-bit body\r\n\r\nna\u00efve 8-bit caf\u00e9 body, no MIME-Version\r\n"),
            Arguments.of("folded fields, encoded words, odd spacing",
                "From: =?UTF-8?Q?Fr=C3=A4nk?= (the boss) <frank@source.example>\r\nTo: ext@external.example,\r\n"
                    + "\tother@external.example\r\nMessage-ID: <malformed-4@client.example>\r\nsubject:lower case name\r\n"
                    + "X-Empty:\r\nX-Tabs:\t\tvalue\t\r\n\r\nbody\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedMessages")
    void relaysMalformedMailByteForByte(String name, String message) throws Exception {
        byte[] sent = bytes(message);

        RELAY.send("frank@source.example", List.of("ext@external.example"), sent);

        assertRelayedAs(single(messageId(message)).data(), sent);
    }

    @Test
    void relaysAHeaderWithoutBlankLineBeforeTheBody() throws Exception {
        String message = "From: frank@source.example\r\nTo: ext@external.example\r\nMessage-ID: <noblank@client.example>\r\n"
            + "Subject: no blank line\r\nthis line is body text without a colon\r\nmore body\r\n";

        RELAY.send("frank@source.example", List.of("ext@external.example"), bytes(message));

        // The issue allows one added blank line; every byte sent is still there, in order.
        String delivered = Messages.withoutLeadingTrace(single("noblank").dataAsString());
        assertThat(delivered).isIn(message, message + "\r\n",
            message.replace("\r\nthis line", "\r\n\r\nthis line"));
    }

    @Test
    void removesBccAndKeepsEveryOtherByte() throws Exception {
        String kept = "From: frank@source.example\r\nTo: ext@external.example\r\nMessage-ID: <bcc@client.example>\r\n";
        String message = kept + "Bcc: hidden@source.example,\r\n secret@external.example\r\nSubject: s\r\n\r\nbody\r\n";

        RELAY.send("frank@source.example", List.of("ext@external.example", "secret@external.example"), bytes(message));

        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<bcc@client.example>"), 1, WAIT);
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).rcpts()).containsExactlyInAnyOrder("ext@external.example", "secret@external.example");
        assertRelayedAs(delivered.get(0).data(), bytes(kept + "Subject: s\r\n\r\nbody\r\n"));
    }

    @Test
    void relaysNullSenderMailWithTheNullSender() throws Exception {
        byte[] sent = message("nullsender", "MAILER-DAEMON@external.example", "ext@external.example", null, "Undelivered Mail");

        RELAY.send("", List.of("ext@external.example"), sent);

        SmtpSink.Delivery delivered = single("nullsender");
        assertThat(delivered.mailFrom()).isEmpty();
        assertRelayedAs(delivered.data(), sent);
    }

    /** A 20 MB message (a base64 attachment's worth of 76-octet lines) after the given header. */
    private static String huge(String header) {
        StringBuilder body = new StringBuilder(21 * 1024 * 1024);
        String line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
        while (body.length() < 20 * 1024 * 1024) {
            body.append(line);
        }
        return header + "MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + body;
    }

    @Test
    void relaysAHugeMessageByteForByte() throws Exception {
        String message = huge("From: frank@source.example\r\nTo: ext@external.example\r\nMessage-ID: <huge-plain@client.example>\r\n");

        RELAY.send("frank@source.example", List.of("ext@external.example"), bytes(message));

        assertRelayedAs(single("huge-plain").data(), bytes(message));
    }

    @Test
    void rewritesAndSignsAHugeMessageKeepingItsBody() throws Exception {
        String message = huge("From: Alice <alice@source.example>\r\nTo: ext@external.example\r\nMessage-ID: <huge-dayone@client.example>\r\n");

        RELAY.send("alice@source.example", List.of("ext@external.example"), bytes(message));

        SmtpSink.Delivery delivered = single("huge-dayone");
        assertThat(delivered.mailFrom()).isEqualTo("alice@target.example");
        assertThat(delivered.dataAsString()).startsWith("DKIM-Signature:");
        assertRelayedAs(delivered.data(), bytes(message.replace("<alice@source.example>", "<alice@target.example>")));
    }

    private static SmtpSink.Delivery single(String id) throws InterruptedException {
        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<" + id + "@client.example>"), 1, WAIT);
        assertThat(delivered).as("deliveries of %s; James log tail:%n%s", id, RELAY.logTail()).hasSize(1);
        return delivered.get(0);
    }

    private static String messageId(String message) {
        int start = message.indexOf("Message-ID: <") + "Message-ID: <".length();
        return message.substring(start, message.indexOf('@', start));
    }
}
