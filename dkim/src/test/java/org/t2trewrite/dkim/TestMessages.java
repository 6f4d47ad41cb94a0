package org.t2trewrite.dkim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

/** Messages as the relay receives them, and helpers to move them between bytes and javax.mail. */
final class TestMessages {
    static final String SIMPLE = ""
        + "Received: from source-tenant.example by relay; Mon, 5 Jan 2026 10:00:00 +0000\r\n"
        + "From: \"Ann Example\" <ann@target.example>\r\n"
        + "To: bob@partner.example\r\n"
        + "Subject: Quarterly figures\r\n"
        + "Date: Mon, 5 Jan 2026 10:00:00 +0000\r\n"
        + "Message-ID: <m1@source.example>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=us-ascii\r\n"
        + "\r\n"
        + "Hello Bob,\r\n"
        + "\r\n"
        + "the figures are attached.   Trailing spaces here:   \r\n"
        + "Ann\r\n";

    /** A single 8-bit UTF-8 text part: the shape RemoteDelivery's 7-bit downgrade really re-encodes. */
    static final String EIGHT_BIT_PLAIN = ""
        + "From: =?utf-8?q?J=C3=BCrgen?= <juergen@target.example>\r\n"
        + "To: bob@partner.example\r\n"
        + "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n"
        + "Date: Mon, 5 Jan 2026 10:00:00 +0000\r\n"
        + "Message-ID: <m3@source.example>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Transfer-Encoding: 8bit\r\n"
        + "\r\n"
        + "Schöne Grüße aus Köln!\r\n"
        + "Ein = Zeichen, und Leerzeichen am Ende   \r\n";

    /** 8-bit UTF-8 text with a 2,000-octet line and an invitation (text/calendar), both labelled 8bit. */
    static String eightBitInvitation() {
        StringBuilder longLine = new StringBuilder();
        while (longLine.length() < 2000) {
            longLine.append("Grüße aus Köln — ");
        }
        return ""
            + "Received: from source-tenant.example by relay; Mon, 5 Jan 2026 10:00:00 +0000\r\n"
            + "From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <juergen@target.example>\r\n"
            + "To: bob@partner.example,\r\n"
            + "\tcarol@partner.example\r\n"
            + "Subject: Einladung\r\n"
            + "Date: Mon, 5 Jan 2026 10:00:00 +0000\r\n"
            + "Message-ID: <m2@source.example>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed;\r\n"
            + "\tboundary=\"=_outer\"\r\n"
            + "\r\n"
            + "This is a multi-part message in MIME format.\r\n"
            + "--=_outer\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Hallo Bob, schöne Grüße!\r\n"
            + longLine + "\r\n"
            + "Zeile mit = Zeichen und Tab\tam Ende \t\r\n"
            + "--=_outer\r\n"
            + "Content-Type: text/calendar; charset=utf-8; method=REQUEST\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "BEGIN:VCALENDAR\r\n"
            + "METHOD:REQUEST\r\n"
            + "BEGIN:VEVENT\r\n"
            + "ORGANIZER;CN=Jürgen Müller:mailto:juergen@target.example\r\n"
            + "ATTENDEE;CN=Bob;RSVP=TRUE:mailto:bob@partner.example\r\n"
            + "SUMMARY:Besprechung über Änderungen\r\n"
            + "DTSTART:20260110T090000Z\r\n"
            + "END:VEVENT\r\n"
            + "END:VCALENDAR\r\n"
            + "--=_outer--\r\n"
            + "epilogue\r\n";
    }

    private TestMessages() {
    }

    static MimeMessage mime(String text) {
        return mime(text.getBytes(StandardCharsets.UTF_8));
    }

    static MimeMessage mime(byte[] bytes) {
        try {
            return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(MimeMessage message) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
