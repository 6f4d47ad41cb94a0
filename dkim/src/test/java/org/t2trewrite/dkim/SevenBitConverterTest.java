package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;

import javax.mail.internet.MimeUtility;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.header.HeaderSection;

class SevenBitConverterTest {
    private static Optional<String> convert(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        int split = message.indexOf("\r\n\r\n");
        int headerLength = message.substring(0, split + 2).getBytes(StandardCharsets.UTF_8).length;
        HeaderSection fields = HeaderSection.parse(java.util.Arrays.copyOfRange(bytes, 0, headerLength));
        byte[] body = java.util.Arrays.copyOfRange(bytes, headerLength + 2, bytes.length);
        return SevenBitConverter.convert(fields, body).map(entity -> new String(entity.fields().toBytes(), StandardCharsets.UTF_8)
            + "\r\n" + new String(entity.body(), StandardCharsets.UTF_8));
    }

    private static byte[] decode(byte[] encoded, String encoding) throws Exception {
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(encoded), encoding)) {
            return in.readAllBytes();
        }
    }

    static Stream<Arguments> payloads() {
        StringBuilder longLine = new StringBuilder();
        while (longLine.length() < 3000) {
            longLine.append("Grüße = schön\t");
        }
        return Stream.of(
            Arguments.of("umlauts", "Schöne Grüße\r\n"),
            Arguments.of("trailingWhitespace", "Ende mit Leerzeichen   \r\nund Tab\t\r\n"),
            Arguments.of("longLineOf8BitText", longLine + "\r\n"),
            Arguments.of("equalsSigns", "a=b ==c =\r\n"),
            Arguments.of("noFinalLineBreak", "zuletzt ö"),
            Arguments.of("controlBytes", "nul\u0000 bell\u0007 é\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void quotedPrintableIs7BitAndDecodesToTheOriginal(String name, String text) throws Exception {
        byte[] original = text.getBytes(StandardCharsets.UTF_8);

        byte[] encoded = SevenBitConverter.quotedPrintable(original);

        assertThat(SevenBitConverter.isSevenBit(encoded)).isTrue();
        assertThat(new String(encoded, StandardCharsets.US_ASCII).split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(76));
        assertThat(decode(encoded, "quoted-printable")).isEqualTo(original);
    }

    @Test
    void nonTextPartBecomesBase64() throws Exception {
        String message = "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\u00ff\u00fe binary-ish ö\r\n";

        String converted = convert(message).orElseThrow();

        assertThat(converted).startsWith("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        byte[] body = converted.substring(converted.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.US_ASCII);
        assertThat(decode(body, "base64")).isEqualTo("\u00ff\u00fe binary-ish ö\r\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eightBitLabelOn7BitContentIsOnlyRelabelled() {
        String message = "Subject: x\r\nContent-Transfer-Encoding: 8BIT\r\nX-After: y\r\n\r\nplain ascii\r\n";

        assertThat(convert(message)).contains("Subject: x\r\nContent-Transfer-Encoding: 7bit\r\nX-After: y\r\n\r\nplain ascii\r\n");
    }

    static Stream<Arguments> untouched() {
        return Stream.of(
            Arguments.of("sevenBitMessage", "Content-Type: text/plain\r\n\r\nhello\r\n"),
            Arguments.of("eightBitWithoutLabel", "Content-Type: text/plain; charset=utf-8\r\n\r\nschön\r\n"),
            Arguments.of("binaryLabel", "Content-Transfer-Encoding: binary\r\n\r\nschön\r\n"),
            Arguments.of("multipartWithoutClosingDelimiter", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nschön\r\n--b\r\nContent-Transfer-Encoding: 8bit\r\n\r\nö\r\n"),
            Arguments.of("multipartWithoutBoundary", "Content-Type: multipart/mixed\r\n\r\n--b\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nschön\r\n--b--\r\n"),
            Arguments.of("eightBitMultipartWithEightBitHeaderInside", "Content-Type: multipart/mixed; boundary=b\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n--b\r\nContent-Description: schön\r\n\r\nx\r\n--b--\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("untouched")
    void leavesAloneWhatCannotOrNeedNotChange(String name, String message) {
        assertThat(convert(message)).isEmpty();
    }

    @Test
    void convertsOnlyTheEightBitPartsAndKeepsEveryOtherByte() {
        String message = "Content-Type: multipart/mixed; boundary=\"b 1\"\r\n\r\n"
            + "preamble ö\r\n"
            + "--b 1\r\n"
            + "Content-Type: text/plain\r\n\r\n"
            + "seven bit\r\n"
            + "--b 1  \r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n\r\n"
            + "acht Bit: ö\r\n"
            + "--b 1--\r\n"
            + "epilogue ö\r\n";

        assertThat(convert(message)).contains("Content-Type: multipart/mixed; boundary=\"b 1\"\r\n\r\n"
            + "preamble ö\r\n"
            + "--b 1\r\n"
            + "Content-Type: text/plain\r\n\r\n"
            + "seven bit\r\n"
            + "--b 1  \r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "acht Bit: =C3=B6\r\n"
            + "--b 1--\r\n"
            + "epilogue ö\r\n");
    }

    @Test
    void eightBitMultipartAndEmbeddedMessageAreRelabelledOnceTheirContentIs7Bit() {
        String message = "Content-Type: multipart/mixed; boundary=outer\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "--outer\r\n"
            + "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "Subject: inner\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "ö\r\n"
            + "--outer--\r\n";

        assertThat(convert(message)).contains("Content-Type: multipart/mixed; boundary=outer\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
            + "--outer\r\n"
            + "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
            + "Subject: inner\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "=C3=B6\r\n"
            + "--outer--\r\n");
    }
}
