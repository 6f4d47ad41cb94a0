package org.t2trewrite.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test messages as bytes, and the byte comparison every end-to-end test makes: what arrives is
 * what was sent, with only trace fields a relay may prepend (RFC 5321 §4.4 {@code Received},
 * {@code Return-Path}; RFC 6376 {@code DKIM-Signature}) in front.
 */
final class Messages {
    private static final Pattern TRACE_PREFIX = Pattern.compile(
        "(?:(?:Received|Return-Path|DKIM-Signature):[^\n]*\n(?:[ \t][^\n]*\n)*)*", Pattern.CASE_INSENSITIVE);
    private static final Pattern LEADING_TRACE_FIELD = Pattern.compile(
        "^(?:Received|Return-Path|DKIM-Signature):[^\n]*\n(?:[ \t][^\n]*\n)*", Pattern.CASE_INSENSITIVE);

    private Messages() {
    }

    /**
     * A plain message like a mail client writes it, CRLF line ends; {@code id} makes it findable
     * among deliveries (Message-ID). {@code cc} may be null.
     */
    static byte[] message(String id, String from, String to, String cc, String subject) {
        List<String> header = new ArrayList<>();
        header.add("From: " + from);
        header.add("To: " + to);
        if (cc != null) {
            header.add("Cc: " + cc);
        }
        header.add("Subject: " + subject);
        header.add("Date: Tue, 24 Nov 2026 10:00:00 +0000");
        header.add("Message-ID: <" + id + "@client.example>");
        header.add("MIME-Version: 1.0");
        header.add("Content-Type: text/plain; charset=utf-8");
        header.add("X-Custom:  keep   my   spacing");
        return (String.join("\r\n", header) + "\r\n\r\nHello,\r\n.the numbers are attached.\r\n-- \r\nsig\r\n")
            .getBytes(ISO_8859_1);
    }

    static byte[] bytes(String text) {
        return text.getBytes(ISO_8859_1);
    }

    static String text(byte[] bytes) {
        return new String(bytes, ISO_8859_1);
    }

    /** {@code text} with every occurrence of {@code before} replaced, failing if there is none. */
    static byte[] replaced(byte[] message, String before, String after) {
        String text = text(message);
        assertThat(text).as("test message contains %s", before).contains(before);
        return bytes(text.replace(before, after));
    }

    /** Asserts that {@code delivered} is {@code expected} with at most trace fields prepended. */
    static void assertRelayedAs(byte[] delivered, byte[] expected) {
        String got = text(delivered);
        String want = text(expected);
        if (!got.endsWith(want)) {
            // Shows a readable diff of what differs after the trace fields.
            assertThat(withoutLeadingTrace(got)).isEqualTo(want);
        }
        assertThat(got.substring(0, got.length() - want.length()))
            .as("only trace fields may be prepended")
            .matches(TRACE_PREFIX);
    }

    static String withoutLeadingTrace(String message) {
        String rest = message;
        while (true) {
            Matcher field = LEADING_TRACE_FIELD.matcher(rest);
            if (!field.find()) {
                return rest;
            }
            rest = rest.substring(field.end());
        }
    }
}
