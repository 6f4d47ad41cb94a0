package org.t2trewrite.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RefuseEightBitHeadersTest {

    private static String first(byte[] message) throws IOException {
        return RefuseEightBitHeaders.firstEightBitField(new ByteArrayInputStream(message));
    }

    @Test
    void namesTheFirstHeaderFieldWithARawEightBitByte() throws IOException {
        byte[] message = ("From: a@source.example\r\nSubject: R\u00e9union\r\nX-Other: caf\u00e9\r\n\r\nbody\r\n")
            .getBytes(StandardCharsets.UTF_8);
        assertThat(first(message)).isEqualTo("Subject");
    }

    @Test
    void findsOneInAFoldedContinuationLine() throws IOException {
        byte[] message = "To: a@x.example,\r\n =?utf-8?q?x?= Jos\u00e9 <b@x.example>\r\n\r\nbody\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(first(message)).isEqualTo("To");
    }

    @Test
    void ignoresEightBitBytesInTheBody() throws IOException {
        assertThat(first("Subject: plain\r\n\r\nna\u00efve caf\u00e9\r\n".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(first("Subject: plain\n\nna\u00efve\n".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void acceptsEncodedWordsAndAMessageWithoutBody() throws IOException {
        assertThat(first("Subject: =?UTF-8?Q?R=C3=A9union?=\r\n".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(first(new byte[0])).isNull();
    }

    @Test
    void findsOneInAHeaderThatSpansManyReads() throws IOException {
        String padding = "X-Pad: " + "p".repeat(70) + "\r\n";
        byte[] message = (padding.repeat(500) + "Subject: \u00e9\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        assertThat(first(message)).isEqualTo("Subject");
    }
}
