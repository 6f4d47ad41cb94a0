package org.t2trewrite.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.core.calendar.CalendarSamples.MAPPER;
import static org.t2trewrite.core.calendar.CalendarSamples.MAPPINGS;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.MessageSplit;
import org.t2trewrite.core.header.Replacement;
import org.t2trewrite.core.mime.PartProblem;
import org.t2trewrite.core.mime.TransferCodec;

class CalendarRewriteTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String utf8AsLatin1(String text) {
        return latin1(text.getBytes(StandardCharsets.UTF_8));
    }

    /** What the editor makes of a calendar: proven line by line in CalendarEditorTest. */
    private static String edited(String calendar) {
        return utf8AsLatin1(new String(CalendarEditor.edit(calendar.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8,
            MAPPER, "x").content(), StandardCharsets.UTF_8));
    }

    private static String base64(String latin1, int lineLength, String lineEnd) {
        String encoded = Base64.getEncoder().encodeToString(bytes(latin1));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < encoded.length(); i += lineLength) {
            lines.append(encoded, i, Math.min(encoded.length(), i + lineLength)).append(lineEnd);
        }
        return lines.toString();
    }

    /** Quoted-printable with LF soft breaks at 76, as TransferCodecTest shows Python's encoder writes it. */
    private static String quotedPrintable(String latin1) {
        return latin1(TransferCodec.decode("quoted-printable", bytes("x\n")).encode(bytes(latin1)));
    }

    /** Outlook's shape: multipart/alternative (plain, html, calendar) inside multipart/mixed with the .ics attached. */
    private static String outlookBody(String calendarBase64, String attachmentBase64) {
        return "This is a multi-part message in MIME format.\r\n"
            + "--mixed_1\r\n"
            + "Content-Type: multipart/alternative;\r\n\tboundary=\"alt_1\"\r\n\r\n"
            + "--alt_1\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "Write to alice@source.example=20\r\n\r\n"
            + "--alt_1\r\nContent-Type: text/html; charset=\"us-ascii\"\r\n\r\n<p>alice@source.example</p>\r\n"
            + "--alt_1\r\nContent-Type: text/calendar; charset=\"utf-8\"; method=REQUEST\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + calendarBase64
            + "\r\n--alt_1--\r\n\r\n"
            + "--mixed_1\r\nContent-Type: application/ics; name=\"invite.ics\"\r\n"
            + "Content-Disposition: attachment; filename=\"invite.ics\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + attachmentBase64
            + "\r\n--mixed_1--\r\nepilogue\r\n";
    }

    private static final HeaderSection MIXED = HeaderSection.parse(bytes(
        "From: alice@source.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mixed_1\"\r\n"));

    @Test
    void rewritesInvitationAndAttachmentIdenticallyKeepingEveryOtherByte() {
        String calendar = utf8AsLatin1(CalendarSamples.OUTLOOK_REQUEST);
        String original = outlookBody(base64(calendar, 76, "\r\n"), base64(calendar, 76, "\r\n"));
        String expected = outlookBody(base64(edited(CalendarSamples.OUTLOOK_REQUEST), 76, "\r\n"),
            base64(edited(CalendarSamples.OUTLOOK_REQUEST), 76, "\r\n"));

        CalendarRewrite rewrite = CalendarRewrite.apply(MIXED, bytes(original), MAPPER);

        assertThat(latin1(rewrite.body())).isEqualTo(expected);
        assertThat(rewrite.changed()).isTrue();
        assertThat(rewrite.problems()).isEmpty();
        Address alice = Address.parse("alice@source.example");
        Address bob = Address.parse("bob@source.example");
        assertThat(rewrite.replacements()).containsExactly(
            Replacement.of("text/calendar ORGANIZER", alice, MAPPINGS.get(alice)),
            Replacement.of("text/calendar ATTENDEE", bob, MAPPINGS.get(bob)),
            Replacement.of("application/ics ORGANIZER", alice, MAPPINGS.get(alice)),
            Replacement.of("application/ics ATTENDEE", bob, MAPPINGS.get(bob)));
    }

    @Test
    void secondPassChangesNothingAndReturnsTheInputArray() {
        String calendar = utf8AsLatin1(CalendarSamples.OUTLOOK_REQUEST);
        byte[] once = CalendarRewrite.apply(MIXED, bytes(outlookBody(base64(calendar, 76, "\r\n"), base64(calendar, 72, "\r\n"))),
            MAPPER).body();

        CalendarRewrite twice = CalendarRewrite.apply(MIXED, once, MAPPER);

        assertThat(twice.changed()).isFalse();
        assertThat(twice.body()).isSameAs(once);
    }

    /** name, message header, body, body rewritten. */
    static Stream<Arguments> messages() {
        String google = utf8AsLatin1(CalendarSamples.GOOGLE_REQUEST);
        String googleEdited = edited(CalendarSamples.GOOGLE_REQUEST);
        String icloud = utf8AsLatin1(CalendarSamples.ICLOUD_REQUEST);
        String thunderbird = utf8AsLatin1(CalendarSamples.THUNDERBIRD_REQUEST);
        String reply = utf8AsLatin1(CalendarSamples.REPLY_WITHOUT_ORGANIZER);
        String googleHeader = "Content-Type: multipart/mixed; boundary=\"000000000000a1b2c3\"\r\n";
        String googleBody = "--000000000000a1b2c3\r\nContent-Type: multipart/alternative; boundary=\"000000000000d4e5f6\"\r\n\r\n"
            + "--000000000000d4e5f6\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\nInvitation\r\n"
            + "--000000000000d4e5f6\r\nContent-Type: text/calendar; charset=\"UTF-8\"; method=REQUEST\r\n"
            + "Content-Transfer-Encoding: 7bit\r\n\r\n%s\r\n--000000000000d4e5f6--\r\n"
            + "--000000000000a1b2c3\r\nContent-Type: application/ics; name=\"invite.ics\"\r\n"
            + "Content-Disposition: attachment; filename=\"invite.ics\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            + "--000000000000a1b2c3--\r\n";
        return Stream.of(
            Arguments.of("Google: 8-bit calendar labelled 7bit stays 8-bit, base64 attachment",
                googleHeader, String.format(googleBody, google, base64(google, 76, "\r\n").trim()),
                String.format(googleBody, googleEdited, base64(googleEdited, 76, "\r\n").trim())),
            Arguments.of("top-level text/calendar, quoted-printable, LF", "Content-Type: text/calendar; method=REQUEST\n"
                    + "Content-Transfer-Encoding: quoted-printable\n",
                quotedPrintable(icloud), quotedPrintable(edited(CalendarSamples.ICLOUD_REQUEST))),
            Arguments.of("application/octet-stream named .ics, LF base64 of 64", "Content-Type: multipart/mixed; boundary=b\n",
                "--b\nContent-Type: application/octet-stream; name=\"meeting.ICS\"\nContent-Transfer-Encoding: base64\n\n"
                    + base64(thunderbird, 64, "\n") + "--b--\n",
                "--b\nContent-Type: application/octet-stream; name=\"meeting.ICS\"\nContent-Transfer-Encoding: base64\n\n"
                    + base64(edited(CalendarSamples.THUNDERBIRD_REQUEST), 64, "\n") + "--b--\n"),
            Arguments.of("application/octet-stream with an .ics filename", "Content-Type: multipart/mixed; boundary=b\r\n",
                "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=reply.ics\r\n\r\n"
                    + reply + "--b--\r\n",
                "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=reply.ics\r\n\r\n"
                    + edited(CalendarSamples.REPLY_WITHOUT_ORGANIZER) + "--b--\r\n"),
            Arguments.of("application/octet-stream without .ics is not a calendar", "Content-Type: multipart/mixed; boundary=b\r\n",
                "--b\r\nContent-Type: application/octet-stream; name=x.bin\r\n\r\n" + reply + "--b--\r\n",
                "--b\r\nContent-Type: application/octet-stream; name=x.bin\r\n\r\n" + reply + "--b--\r\n"),
            Arguments.of("text/plain mentioning ATTENDEE is not a calendar", "Content-Type: text/plain\r\n",
                reply, reply),
            Arguments.of("METHOD disagrees with method=", "Content-Type: text/calendar; method=CANCEL\r\n",
                reply, edited(CalendarSamples.REPLY_WITHOUT_ORGANIZER)),
            Arguments.of("no close delimiter: the last part is still rewritten", "Content-Type: multipart/mixed; boundary=b\r\n",
                "--b\r\nContent-Type: text/calendar\r\n\r\n" + reply,
                "--b\r\nContent-Type: text/calendar\r\n\r\n" + edited(CalendarSamples.REPLY_WITHOUT_ORGANIZER)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void rewritesCalendarPartsOfEveryShape(String name, String header, String body, String expected) {
        CalendarRewrite rewrite = CalendarRewrite.apply(HeaderSection.parse(bytes(header)), bytes(body), MAPPER);

        assertThat(latin1(rewrite.body())).isEqualTo(expected);
        assertThat(rewrite.changed()).isEqualTo(!body.equals(expected));
    }

    @Test
    void rewritesLatin1QuotedPrintableCalendar() {
        Charset latin1 = StandardCharsets.ISO_8859_1;
        String calendar = "BEGIN:VCALENDAR\r\nATTENDEE;CN=3D\"M=FCller, Bob\":mailto:bob@source.example\r\nEND:VCALENDAR\r\n";
        HeaderSection header = HeaderSection.parse(bytes("Content-Type: text/calendar; charset=ISO-8859-1\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n"));

        CalendarRewrite rewrite = CalendarRewrite.apply(header, calendar.getBytes(latin1), MAPPER);

        assertThat(new String(rewrite.body(), latin1)).isEqualTo(calendar.replace("bob@source.example", "robert.b@target.example"));
    }

    /** name, header, body, the problem; the body must come back as the very same array. */
    static Stream<Arguments> leftAlone() {
        String reply = utf8AsLatin1(CalendarSamples.REPLY_WITHOUT_ORGANIZER);
        return Stream.of(
            Arguments.of("unknown charset", "Content-Type: text/calendar; charset=x-unknown-42\r\n", reply,
                PartProblem.of("part 1 text/calendar", "unknown charset 'x-unknown-42'; part left as it is")),
            Arguments.of("bad base64", "Content-Type: multipart/mixed; boundary=b\r\n",
                "--b\r\nContent-Type: text/calendar\r\nContent-Transfer-Encoding: base64\r\n\r\nQkVH!!\r\n--b--\r\n",
                PartProblem.of("part 1 text/calendar", "not base64: byte 0x21 at offset 4; part left as it is")),
            Arguments.of("non-ASCII new address in a 7bit part", "Content-Type: text/calendar\r\n",
                "BEGIN:VCALENDAR\r\nATTENDEE:mailto:eve@source.example\r\nEND:VCALENDAR\r\n",
                PartProblem.of("part 1 text/calendar", "a new address is not ASCII and the part is 7bit; part left as it is")),
            Arguments.of("multipart without boundary", "Content-Type: multipart/mixed\r\n",
                "--b\r\nContent-Type: text/calendar\r\n\r\n" + reply + "--b--\r\n",
                PartProblem.of("message body multipart/mixed", "multipart without a boundary parameter; not walked")),
            Arguments.of("multipart without any delimiter", "Content-Type: multipart/mixed; boundary=zz\r\n",
                "--b\r\nContent-Type: text/calendar\r\n\r\n" + reply + "--b--\r\n",
                PartProblem.of("message body multipart/mixed", "no boundary delimiter found; not walked")),
            Arguments.of("UTF-16 calendar", "Content-Type: text/calendar; charset=UTF-16\r\n",
                latin1(CalendarSamples.REPLY_WITHOUT_ORGANIZER.getBytes(StandardCharsets.UTF_16)),
                PartProblem.of("part 1 text/calendar", "charset UTF-16 does not write ASCII as single ASCII bytes; calendar left as it is")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("leftAlone")
    void leavesPartsItCannotRewriteWithAReason(String name, String header, String body, PartProblem problem) {
        byte[] input = bytes(body);

        CalendarRewrite rewrite = CalendarRewrite.apply(HeaderSection.parse(bytes(header)), input, MAPPER);

        assertThat(rewrite.changed()).isFalse();
        assertThat(rewrite.body()).isSameAs(input);
        assertThat(rewrite.problems()).containsExactly(problem);
    }

    @Test
    void worksOnAWholeMessageSplitByHeaderSection() {
        byte[] message = bytes("Content-Type: text/calendar; charset=utf-8\r\n\r\n" + utf8AsLatin1(CalendarSamples.CANCEL));
        MessageSplit split = HeaderSection.split(message);
        byte[] body = java.util.Arrays.copyOfRange(message, split.bodyOffset(), message.length);

        CalendarRewrite rewrite = CalendarRewrite.apply(split.header(message), body, MAPPER);

        assertThat(latin1(rewrite.body())).isEqualTo(edited(CalendarSamples.CANCEL));
        CalendarAssertions.assertOnlyAddressesChanged(body, rewrite.body(), MAPPINGS);
    }

    @Test
    void identityMapperChangesNothing() {
        String calendar = utf8AsLatin1(CalendarSamples.OUTLOOK_REQUEST);
        byte[] body = bytes(outlookBody(base64(calendar, 76, "\r\n"), base64(calendar, 76, "\r\n")));

        CalendarRewrite rewrite = CalendarRewrite.apply(MIXED, body, AddressMapper.identity());

        assertThat(rewrite.changed()).isFalse();
        assertThat(rewrite.body()).isSameAs(body);
        assertThat(rewrite.replacements()).isEmpty();
    }

    /** name, header, body, whether it carries a calendar. */
    static Stream<Arguments> carriers() {
        return Stream.of(
            Arguments.of("Outlook invitation", "Content-Type: multipart/mixed; boundary=\"mixed_1\"\r\n", outlookBody("", ""), true),
            Arguments.of("top-level text/calendar", "Content-Type: Text/Calendar; method=REPLY\r\n", "", true),
            Arguments.of("application/ics attachment only", "Content-Type: multipart/mixed; boundary=b\r\n",
                "--b\r\nContent-Type: application/ics\r\n\r\nx\r\n--b--\r\n", true),
            Arguments.of("plain text", "Content-Type: text/plain\r\n", "BEGIN:VCALENDAR\r\n", false),
            Arguments.of("no Content-Type", "", "BEGIN:VCALENDAR\r\n", false),
            Arguments.of("calendar inside a forwarded message/rfc822", "Content-Type: multipart/mixed; boundary=b\r\n",
                "--b\r\nContent-Type: message/rfc822\r\n\r\nContent-Type: text/calendar\r\n\r\nx\r\n--b--\r\n", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("carriers")
    void tellsWhetherAMessageCarriesACalendar(String name, String header, String body, boolean expected) {
        assertThat(CalendarRewrite.carriesCalendar(HeaderSection.parse(bytes(header)), bytes(body))).isEqualTo(expected);
    }
}
