package org.t2trewrite.core.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransferCodecTest {

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** name, encoding, encoded body: decoding and encoding the same content gives the same bytes back. */
    static Stream<Arguments> styles() {
        String content = "BEGIN:VCALENDAR\r\nATTENDEE;CN=Zoë:mailto:bob@source.example\r\nEND:VCALENDAR\r\n";
        String base64 = Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8));
        return Stream.of(
            Arguments.of("base64, 76 per line, CRLF", "base64", Base64.getMimeEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)) + "\r\n"),
            Arguments.of("base64, 72 per line, LF, no last newline", "base64", base64.substring(0, 72) + "\n" + base64.substring(72)),
            Arguments.of("base64 on one line", "base64", base64),
            Arguments.of("base64 with two trailing newlines", "base64", base64.substring(0, 60) + "\r\n" + base64.substring(60) + "\r\n\r\n"),
            Arguments.of("quoted-printable, CRLF", "quoted-printable",
                "BEGIN:VCALENDAR\r\nATTENDEE;CN=3DZo=C3=AB:mailto:bob@source.example\r\nEND:VCALENDAR\r\n"),
            Arguments.of("quoted-printable with soft breaks at 76, LF (Python's encoder)", "quoted-printable",
                "ATTENDEE;ROLE=3DREQ-PARTICIPANT;PARTSTAT=3DNEEDS-ACTION;RSVP=3DTRUE;CN=3DZo=\n=C3=AB:mailto:bob@source.example\nEND\n"),
            Arguments.of("7bit", "7bit", "BEGIN:VCALENDAR\r\n"),
            Arguments.of("8bit", "8BIT", "CN=Zoë\n"),
            Arguments.of("binary", "binary", "\u0000\u00ff"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("styles")
    void encodesUnchangedContentToTheSameBytes(String name, String encoding, String encoded) {
        DecodedBody decoded = TransferCodec.decode(encoding, ascii(encoded));

        assertThat(decoded.failure()).isEmpty();
        assertThat(text(decoded.encode(decoded.content()))).isEqualTo(encoded);
    }

    @Test
    void base64KeepsLineLengthLineEndAndMissingLastNewline() {
        String original = Base64.getEncoder().encodeToString(ascii("x".repeat(100)));
        String encoded = original.substring(0, 64) + "\n" + original.substring(64);
        DecodedBody decoded = TransferCodec.decode("base64", ascii(encoded));

        String again = text(decoded.encode(ascii("y".repeat(120))));

        String expected = Base64.getEncoder().encodeToString(ascii("y".repeat(120)));
        assertThat(again).isEqualTo(expected.substring(0, 64) + "\n" + expected.substring(64, 128) + "\n" + expected.substring(128));
    }

    @Test
    void reportsBadBase64() {
        DecodedBody decoded = TransferCodec.decode("base64", ascii("QkVH*U46\r\n"));

        assertThat(decoded.failure()).contains("not base64: byte 0x2a at offset 4");
    }

    @Test
    void reportsUnknownTransferEncoding() {
        assertThat(TransferCodec.decode("x-uuencode", ascii("begin 644 x")).failure())
            .contains("unknown Content-Transfer-Encoding 'x-uuencode'");
    }

    @Test
    void quotedPrintableDecodesSoftBreaksAndLowerCaseHexAndKeepsStrayEquals() {
        DecodedBody decoded = TransferCodec.decode("quoted-printable", ascii("a=3db=\r\nc =  \r\nd=zz=c3=ab  \r\ne"));

        assertThat(new String(decoded.content(), StandardCharsets.UTF_8)).isEqualTo("a=bc d=zzë\r\ne");
    }

    @Test
    void quotedPrintableReencodesWithTheOriginalWidthAndLineEnd() {
        String encoded = "0123456789012345678901234567890123456789=\n0123\n";
        DecodedBody decoded = TransferCodec.decode("quoted-printable", ascii(encoded));

        String again = text(decoded.encode(ascii("0123456789".repeat(9) + " \nend\n")));

        assertThat(again).isEqualTo("0123456789".repeat(4) + "=\n" + "0123456789".repeat(4) + "=\n0123456789=20\nend\n");
    }

    @Test
    void quotedPrintableEncodesEqualsAndNonAscii() {
        DecodedBody decoded = TransferCodec.decode("quoted-printable", ascii("x\r\n"));

        assertThat(text(decoded.encode("a=ë\tb\t\r\n".getBytes(StandardCharsets.UTF_8)))).isEqualTo("a=3D=C3=AB\tb=09\r\n");
    }
}
