package org.t2trewrite.core.header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HeaderSectionTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** name, header section, the names of its fields in order ("" for opaque fields). */
    static Stream<Arguments> sections() {
        return Stream.of(
            Arguments.of("empty", "", List.of()),
            Arguments.of("CRLF fields", "From: a@x\r\nTo: b@y\r\n", List.of("From", "To")),
            Arguments.of("bare LF fields", "From: a@x\nTo: b@y\n", List.of("From", "To")),
            Arguments.of("mixed line endings", "From: a@x\nTo: b@y\r\nCc: c@z\n", List.of("From", "To", "Cc")),
            Arguments.of("folded with space and tab", "Received: from x\r\n by y\r\n\twith z\r\nSubject: s\r\n",
                List.of("Received", "Subject")),
            Arguments.of("last line without line ending", "From: a@x\r\nSubject: no end", List.of("From", "Subject")),
            Arguments.of("trailing spaces kept", "Subject: s   \r\nTo: b@y \t\r\n", List.of("Subject", "To")),
            Arguments.of("mbox From line is opaque", "From a@x Mon Jan  1 00:00:00 2024\r\nFrom: a@x\r\n", List.of("", "From")),
            Arguments.of("leading continuation is opaque", " stray\r\nFrom: a@x\r\n", List.of("", "From")),
            Arguments.of("leading tab continuation is opaque", "\tstray\r\nFrom: a@x\r\n", List.of("", "From")),
            Arguments.of("garbage line is opaque", "From: a@x\r\nthis is not a header\r\nTo: b@y\r\n", List.of("From", "", "To")),
            Arguments.of("empty line is opaque", "From: a@x\r\n\r\nTo: b@y\r\n", List.of("From", "", "To")),
            Arguments.of("space before colon (obsolete)", "Subject : s\r\n", List.of("Subject")),
            Arguments.of("empty value", "To:\r\nCc: \r\n", List.of("To", "Cc")),
            Arguments.of("8-bit and UTF-8 bytes", "Subject: Grüße\r\nX-Legacy: \u00ff\u00fe\r\n", List.of("Subject", "X-Legacy")),
            Arguments.of("lone CR inside a line", "Subject: a\rb\r\nTo: b@y\r\n", List.of("Subject", "To")),
            Arguments.of("colon first is opaque", ": no name\r\n", List.of("")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sections")
    void splitsIntoFieldsAndGivesTheSameBytesBack(String name, String header, List<String> names) {
        byte[] bytes = utf8(header);

        HeaderSection section = HeaderSection.parse(bytes);

        assertThat(section.fields()).extracting(HeaderField::name).isEqualTo(names);
        assertThat(section.toBytes()).isEqualTo(bytes);
        assertThat(section.length()).isEqualTo(bytes.length);
    }

    @Test
    void keepsLegacyEightBitBytes() {
        byte[] bytes = new byte[] {'S', ':', ' ', (byte) 0xe9, (byte) 0xff, '\r', '\n', 'T', ':', (byte) 0x80, '\n'};

        assertThat(HeaderSection.parse(bytes).toBytes()).isEqualTo(bytes);
    }

    @Test
    void doesNotShareTheCallersArray() {
        byte[] bytes = utf8("Subject: s\r\n");
        HeaderSection section = HeaderSection.parse(bytes);

        bytes[0] = 'X';

        assertThat(section.toBytes()).isEqualTo(utf8("Subject: s\r\n"));
    }

    @Test
    void findsFieldsByNameIgnoringCase() {
        HeaderSection section = HeaderSection.parse(utf8("FROM: a@x\r\nX-From: b@y\r\nfrom: c@z\r\nFrom a@x 2024\r\n"));

        assertThat(section.fields("From")).extracting(HeaderField::value).containsExactly(" a@x", " c@z");
        assertThat(section.fields("x-from")).hasSize(1);
    }

    /** name, field bytes, value, line ending. */
    static Stream<Arguments> values() {
        return Stream.of(
            Arguments.of("simple", "Subject: hello\r\n", " hello", "\r\n"),
            Arguments.of("folded keeps folding", "Subject: a\r\n b\r\n", " a\r\n b", "\r\n"),
            Arguments.of("bare LF", "Subject: hello\n", " hello", "\n"),
            Arguments.of("UTF-8", "Subject: Grüße\r\n", " Grüße", "\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void decodesTheValueForParsing(String name, String field, String value, String ending) {
        HeaderField parsed = HeaderField.parse(utf8(field));

        assertThat(parsed.value()).isEqualTo(value);
        assertThat(parsed.lineEnding()).isEqualTo(ending);
    }

    @Test
    void decodesInvalidUtf8AsLatin1() {
        byte[] bytes = "Subject: Gr\u00fc\u00dfe\r\n".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(HeaderField.parse(bytes).value()).isEqualTo(" Gr\u00fc\u00dfe");
    }

    /** name, field bytes (ISO-8859-1, one char a byte), value bytes (the same). */
    static Stream<Arguments> valueBytes() {
        return Stream.of(
            Arguments.of("simple", "Subject: hello\r\n", " hello"),
            Arguments.of("folded keeps folding", "Subject: a\r\n\tb\r\n", " a\r\n\tb"),
            Arguments.of("bare LF", "Subject: hello\n", " hello"),
            Arguments.of("space before colon", "Subject : s\r\n", " s"),
            Arguments.of("empty value", "X-Empty:\r\n", ""),
            Arguments.of("UTF-8 bytes stay bytes", "Subject: Gr\u00c3\u00bc\u00c3\u009fe\r\n", " Gr\u00c3\u00bc\u00c3\u009fe"),
            Arguments.of("invalid UTF-8 stays as written", "Subject: Gr\u00fc\u00dfe\r\n", " Gr\u00fc\u00dfe"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueBytes")
    void givesTheValueBytesAsWritten(String name, String field, String value) {
        HeaderField parsed = HeaderField.parse(field.getBytes(StandardCharsets.ISO_8859_1));

        assertThat(parsed.valueBytes()).isEqualTo(value.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void givesTheWholeLineAsValueBytesOfAnOpaqueField() {
        HeaderField opaque = HeaderSection.parse(utf8("From a@x 2024\r\n")).fields().get(0);

        assertThat(opaque.valueBytes()).isEqualTo(utf8("From a@x 2024"));
        assertThat(HeaderSection.parse(utf8("Subject: no end")).fields().get(0).valueBytes()).isEqualTo(utf8(" no end"));
    }

    /** name, bytes that are not exactly one named field, a fragment of the message. */
    static Stream<Arguments> notOneField() {
        return Stream.of(
            Arguments.of("no line ending", "Subject: s", "must end with CRLF or LF"),
            Arguments.of("two fields", "A: 1\r\nB: 2\r\n", "more than one header field"),
            Arguments.of("no name", "just text\r\n", "not a 'name: value' header field"),
            Arguments.of("empty", "", "must end with CRLF or LF"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notOneField")
    void refusesToBuildABadField(String name, String bytes, String message) {
        assertThatThrownBy(() -> HeaderField.parse(utf8(bytes)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(message);
    }

    @Test
    void replacesOneFieldAndKeepsTheOthers() {
        HeaderSection section = HeaderSection.parse(utf8("A: 1\r\nB: 2\r\nC: 3\r\n"));

        HeaderSection changed = section.withField(1, HeaderField.parse(utf8("B: two\r\n")));

        assertThat(changed.toBytes()).isEqualTo(utf8("A: 1\r\nB: two\r\nC: 3\r\n"));
        assertThat(section.toBytes()).isEqualTo(utf8("A: 1\r\nB: 2\r\nC: 3\r\n"));
    }

    @Test
    void dropsMatchingFields() {
        HeaderSection section = HeaderSection.parse(utf8("DKIM-Signature: old\r\n a=1\r\nFrom: a@x\r\ndkim-signature: other\r\n"));

        HeaderSection kept = section.without(field -> field.hasName("DKIM-Signature"));

        assertThat(kept.toBytes()).isEqualTo(utf8("From: a@x\r\n"));
        assertThat(section.without(field -> false)).isSameAs(section);
    }

    @Test
    void prependsAField() {
        HeaderSection section = HeaderSection.parse(utf8("From: a@x\n"));

        HeaderSection signed = section.prepend(HeaderField.parse(utf8("DKIM-Signature: v=1\n")));

        assertThat(signed.toBytes()).isEqualTo(utf8("DKIM-Signature: v=1\nFrom: a@x\n"));
        assertThat(signed.fields()).extracting(HeaderField::name).containsExactly("DKIM-Signature", "From");
    }

    @Test
    void appendsAField() {
        HeaderSection section = HeaderSection.parse(utf8("From: a@x\r\n"));

        HeaderSection labelled = section.append(HeaderField.parse(utf8("Content-Transfer-Encoding: 7bit\r\n")));

        assertThat(labelled.toBytes()).isEqualTo(utf8("From: a@x\r\nContent-Transfer-Encoding: 7bit\r\n"));
        assertThat(section.toBytes()).isEqualTo(utf8("From: a@x\r\n"));
        assertThat(HeaderSection.parse(new byte[0]).append(HeaderField.parse(utf8("A: 1\n"))).toBytes()).isEqualTo(utf8("A: 1\n"));
    }

    @Test
    void refusesToAppendAfterAFieldWithoutLineEnding() {
        HeaderSection section = HeaderSection.parse(utf8("From: a@x"));

        assertThatThrownBy(() -> section.append(HeaderField.parse(utf8("To: b@y\r\n"))))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("without a line ending");
    }

    @Test
    void reportsTheLineEndingInUse() {
        assertThat(HeaderSection.parse(utf8("From: a@x\nTo: b@y\r\n")).lineEnding()).isEqualTo("\n");
        assertThat(HeaderSection.parse(utf8("From: a@x\r\n")).lineEnding()).isEqualTo("\r\n");
        assertThat(HeaderSection.parse(utf8("")).lineEnding()).isEqualTo("\r\n");
    }

    @Test
    void writesTheSameBytesAsToBytes() throws IOException {
        byte[] bytes = utf8("From: a@x\r\n b\r\nTo: c@d\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        HeaderSection.parse(bytes).writeTo(out);

        assertThat(out.toByteArray()).isEqualTo(bytes);
    }

    /** name, whole message, expected header end, expected body offset. */
    static Stream<Arguments> messages() {
        return Stream.of(
            Arguments.of("CRLF separator", "From: a@x\r\nTo: b@y\r\n\r\nbody\r\n", 20, 22),
            Arguments.of("LF separator", "From: a@x\n\nbody\n", 10, 11),
            Arguments.of("empty body", "From: a@x\r\n\r\n", 11, 13),
            Arguments.of("body starts with blank lines", "From: a@x\r\n\r\n\r\nbody", 11, 13),
            Arguments.of("opaque line before separator stays in header", "From: a@x\r\ngarbage\r\n\r\nbody", 20, 22),
            Arguments.of("no separator, body line without colon", "From: a@x\r\nTo: b@y\r\nHello world\r\n", 20, 20),
            Arguments.of("no separator, all fields", "From: a@x\r\nTo: b@y\r\n", 20, 20),
            Arguments.of("no separator, no final line ending", "From: a@x\r\nTo: b@y", 18, 18),
            Arguments.of("no separator, folded field", "From: a@x\r\n b\r\nbody", 15, 15),
            Arguments.of("message starts with blank line", "\r\nbody", 0, 2),
            Arguments.of("empty message", "", 0, 0),
            Arguments.of("whitespace-only line is not the separator", "From: a@x\r\n \r\n\r\nbody", 14, 16));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void findsWhereTheHeaderEnds(String name, String message, int headerEnd, int bodyOffset) {
        byte[] bytes = utf8(message);

        MessageSplit split = HeaderSection.split(bytes);

        assertThat(split.headerEnd()).isEqualTo(headerEnd);
        assertThat(split.bodyOffset()).isEqualTo(bodyOffset);
        assertThat(split.hasSeparator()).isEqualTo(bodyOffset > headerEnd);
        assertThat(split.join(split.header(bytes), bytes)).isEqualTo(bytes);
    }

    @Test
    void joinsANewHeaderWithTheOriginalSeparatorAndBody() {
        byte[] message = utf8("From: a@x\n\nbody \u00e9\r\n");
        MessageSplit split = HeaderSection.split(message);

        HeaderSection header = split.header(message).prepend(HeaderField.parse(utf8("X-New: 1\n")));

        assertThat(split.join(header, message)).isEqualTo(utf8("X-New: 1\nFrom: a@x\n\nbody \u00e9\r\n"));
    }

    @Test
    void refusesAMessageShorterThanTheSplit() {
        MessageSplit split = HeaderSection.split(utf8("From: a@x\r\n\r\nbody"));

        assertThatThrownBy(() -> split.header(utf8("From")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("shorter");
    }

    @Test
    void fieldEqualityIsByBytes() {
        List<HeaderField> fields = HeaderSection.parse(utf8("A: 1\r\nA: 1\r\nA: 1\n")).fields();

        assertThat(fields.get(0)).isEqualTo(fields.get(1)).hasSameHashCodeAs(fields.get(1));
        assertThat(fields.get(0)).isNotEqualTo(fields.get(2));
        assertThat(fields.stream().map(HeaderField::toString).collect(Collectors.toList()))
            .containsExactly("A: 1\\r\\n", "A: 1\\r\\n", "A: 1\\n");
    }
}
