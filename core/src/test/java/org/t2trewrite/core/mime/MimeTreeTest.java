package org.t2trewrite.core.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.header.HeaderSection;

class MimeTreeTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static HeaderSection header(String text) {
        return HeaderSection.parse(utf8(text));
    }

    private static String body(MimeTree tree, MimePart part) {
        return new String(tree.bodyOf(part), StandardCharsets.UTF_8);
    }

    static final String NESTED = String.join("\r\n",
        "preamble",
        "--outer",
        "Content-Type: multipart/alternative; boundary=\"inner\"",
        "",
        "--inner",
        "Content-Type: text/plain",
        "",
        "plain",
        "--inner",
        "Content-Type: text/calendar; method=REQUEST; charset=\"utf-8\"",
        "Content-Transfer-Encoding: Base64",
        "",
        "QkVHSU46VkNBTEVOREFS",
        "--inner--",
        "",
        "--outer",
        "Content-Type: application/ics; name=\"invite.ics\"",
        "Content-Disposition: attachment; filename=\"invite.ics\"",
        "",
        "BEGIN:VCALENDAR",
        "--outer--",
        "epilogue",
        "");

    @Test
    void findsLeavesOfNestedMultipartsWithOffsets() {
        byte[] body = utf8(NESTED);
        MimeTree tree = MimeTree.of(header("Content-Type: multipart/mixed; boundary=outer\r\n"), body);

        assertThat(tree.leaves()).extracting(MimePart::path).containsExactly("1.1", "1.2", "2");
        assertThat(tree.leaves()).extracting(part -> part.contentType().mediaType())
            .containsExactly("text/plain", "text/calendar", "application/ics");
        assertThat(tree.problems()).isEmpty();
        MimePart calendar = tree.leaves().get(1);
        assertThat(calendar.transferEncoding()).isEqualTo("base64");
        assertThat(calendar.contentType().parameter("METHOD")).contains("REQUEST");
        assertThat(calendar.contentType().parameter("charset")).contains("utf-8");
        assertThat(body(tree, calendar)).isEqualTo("QkVHSU46VkNBTEVOREFS");
        assertThat(new String(body, calendar.headerStart(), calendar.headerEnd() - calendar.headerStart(), StandardCharsets.UTF_8))
            .isEqualTo("Content-Type: text/calendar; method=REQUEST; charset=\"utf-8\"\r\nContent-Transfer-Encoding: Base64\r\n");
        MimePart attachment = tree.leaves().get(2);
        assertThat(attachment.filename()).contains("invite.ics");
        assertThat(body(tree, attachment)).isEqualTo("BEGIN:VCALENDAR");
        assertThat(body(tree, tree.leaves().get(0))).isEqualTo("plain");
    }

    @Test
    void replacesBodiesAndKeepsEveryOtherByte() {
        byte[] body = utf8(NESTED);
        MimeTree tree = MimeTree.of(header("Content-Type: multipart/mixed; boundary=outer\r\n"), body);

        byte[] replaced = tree.withBodies(Map.of(tree.leaves().get(0), utf8("PLAIN!"), tree.leaves().get(2), utf8("X")));

        assertThat(new String(replaced, StandardCharsets.UTF_8))
            .isEqualTo(NESTED.replace("\r\n\r\nplain\r\n", "\r\n\r\nPLAIN!\r\n").replace("BEGIN:VCALENDAR", "X"));
        assertThat(tree.withBodies(Map.of())).isSameAs(body);
    }

    @Test
    void rejectsPartsOfAnotherTree() {
        MimeTree one = MimeTree.of(header("Content-Type: text/plain\r\n"), utf8("a"));
        MimeTree other = MimeTree.of(header("Content-Type: text/plain\r\n"), utf8("bb"));

        assertThatThrownBy(() -> one.withBodies(Map.of(other.leaves().get(0), utf8("x"))))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void singlePartMessageIsItsOwnLeaf() {
        byte[] body = utf8("BEGIN:VCALENDAR\r\n");
        MimeTree tree = MimeTree.of(header("Content-Type: text/calendar; method=REPLY\r\nContent-Transfer-Encoding: 8bit\r\n"), body);

        MimePart part = tree.leaves().get(0);
        assertThat(part.isMessageBody()).isTrue();
        assertThat(part.path()).isEqualTo("1");
        assertThat(part.transferEncoding()).isEqualTo("8bit");
        assertThat(part.bodyStart()).isZero();
        assertThat(part.bodyEnd()).isEqualTo(body.length);
    }

    /** name, message Content-Type, body, leaf paths and types, problems. */
    static Stream<Arguments> shapes() {
        return Stream.of(
            Arguments.of("LF line ends", "multipart/mixed; boundary=b",
                "--b\nContent-Type: text/calendar\n\nBEGIN\n--b\n\nno header\n--b--\n", "1 text/calendar|2 text/plain", ""),
            Arguments.of("no header, no Content-Type", "", "just text", "1 text/plain", ""),
            Arguments.of("message/rfc822 is a leaf", "multipart/mixed; boundary=b",
                "--b\r\nContent-Type: message/rfc822\r\n\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--\r\n--b--\r\n",
                "1 message/rfc822", ""),
            Arguments.of("digest parts default to message/rfc822", "multipart/digest; boundary=b",
                "--b\r\n\r\nFrom: a@b\r\n\r\nx\r\n--b--\r\n", "1 message/rfc822", ""),
            Arguments.of("missing boundary parameter", "multipart/mixed", "--b\r\n\r\nx\r\n--b--\r\n", "",
                "message body multipart/mixed: multipart without a boundary parameter; not walked"),
            Arguments.of("no start boundary", "multipart/mixed; boundary=b", "just text\r\n", "",
                "message body multipart/mixed: no boundary delimiter found; not walked"),
            Arguments.of("no close delimiter", "multipart/mixed; boundary=b",
                "--b\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n", "1 text/calendar",
                "message body multipart/mixed: no close delimiter; its last part runs to the end"),
            Arguments.of("longer boundary is not a delimiter", "multipart/mixed; boundary=b",
                "--b\r\nContent-Type: multipart/related; boundary=bb\r\n\r\n--bb\r\n\r\nx\r\n--bb--\r\n--b--\r\n", "1.1 text/plain", ""),
            Arguments.of("transport padding after a delimiter", "multipart/mixed; boundary=b",
                "--b  \r\n\r\nx\r\n--b-- \r\n", "1 text/plain", ""),
            Arguments.of("empty part", "multipart/mixed; boundary=b", "--b\r\n--b\r\n\r\nx\r\n--b--", "1 text/plain|2 text/plain", ""),
            Arguments.of("unknown Content-Type value is text/plain", "garbage", "x", "1 text/plain", ""),
            Arguments.of("part header without empty line", "multipart/mixed; boundary=b",
                "--b\r\nContent-Type: text/calendar\r\n--b--\r\n", "1 text/calendar", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void walksShapesWithoutThrowing(String name, String contentType, String body, String leaves, String problems) {
        HeaderSection header = header(contentType.isEmpty() ? "" : "Content-Type: " + contentType + "\r\n");
        MimeTree tree = MimeTree.of(header, utf8(body));

        assertThat(tree.leaves().stream().map(part -> part.path() + " " + part.contentType().mediaType())
            .collect(Collectors.joining("|"))).isEqualTo(leaves);
        assertThat(tree.problems().stream().map(PartProblem::toString).collect(Collectors.joining("|"))).isEqualTo(problems);
    }

    @Test
    void stopsAtTheDepthLimit() {
        StringBuilder body = new StringBuilder();
        for (int depth = 0; depth < 30; depth++) {
            body.append("--b").append(depth).append("\r\nContent-Type: multipart/mixed; boundary=b").append(depth + 1).append("\r\n\r\n");
        }
        MimeTree tree = MimeTree.of(header("Content-Type: multipart/mixed; boundary=b0\r\n"), utf8(body.toString()));

        assertThat(tree.leaves()).isEmpty();
        assertThat(tree.problems()).anySatisfy(problem -> assertThat(problem.reason()).contains("nested deeper than 20"));
    }

    @Test
    void contentTypeParsingIsTolerant() {
        List<String> values = Arrays.asList(
            "Text/Calendar; METHOD=\"REQUEST\"; charset=UTF-8",
            " text/calendar ;\r\n\tmethod = REQUEST ; charset=\"UTF-8\";",
            "text/calendar; ; method=REQUEST; charset=\"UTF-8",
            "text/calendar; method=REQUEST; method=CANCEL; charset=\"U\\TF-8\"");
        for (String value : values) {
            ContentType type = ContentType.parse(value);
            assertThat(type.mediaType()).as(value).isEqualTo("text/calendar");
            assertThat(type.parameter("method")).as(value).contains("REQUEST");
            assertThat(type.parameter("Charset")).as(value).contains("UTF-8");
        }
    }
}
