package org.t2trewrite.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.core.calendar.CalendarSamples.MAPPER;
import static org.t2trewrite.core.calendar.CalendarSamples.MAPPINGS;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.header.Replacement;

class CalendarEditorTest {

    private static CalendarEdit edit(byte[] calendar) {
        return CalendarEditor.edit(calendar, StandardCharsets.UTF_8, MAPPER, "text/calendar");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** name, content lines, the same lines rewritten (exact bytes). */
    static Stream<Arguments> lines() {
        return Stream.of(
            Arguments.of("ORGANIZER mailto:", "ORGANIZER:mailto:alice@source.example\r\n", "ORGANIZER:mailto:alice@target.example\r\n"),
            // Found by CalendarEditorFuzzTest: with no later colon, the colon after SENT-BY=mailto ends
            // the parameters (strict reading), so the value is a bare address and is rewritten.
            Arguments.of("unquoted SENT-BY=mailto and no later colon: a bare value",
                "ORGANIZER;SENT-BY=mailto:alice@source.example\r\n", "ORGANIZER;SENT-BY=mailto:alice@target.example\r\n"),
            Arguments.of("MAILTO: spelling kept", "ATTENDEE:MAILTO:bob@source.example\r\n", "ATTENDEE:MAILTO:robert.b@target.example\r\n"),
            Arguments.of("Mailto: spelling kept", "ATTENDEE:Mailto:bob@source.example\r\n", "ATTENDEE:Mailto:robert.b@target.example\r\n"),
            Arguments.of("names without case, LF kept", "attendee;cn=Bob:mailto:bob@source.example\n",
                "attendee;cn=Bob:mailto:robert.b@target.example\n"),
            Arguments.of("address matched without case", "ORGANIZER:mailto:ALICE@Source.Example\r\n",
                "ORGANIZER:mailto:alice@target.example\r\n"),
            Arguments.of("unmapped attendee kept", "ATTENDEE:mailto:frank@partner.example\r\n", "ATTENDEE:mailto:frank@partner.example\r\n"),
            Arguments.of("X-MS-OLK-SENDER", "X-MS-OLK-SENDER;CN=\"Builder, Bob\":mailto:bob@source.example\r\n",
                "X-MS-OLK-SENDER;CN=\"Builder, Bob\":mailto:robert.b@target.example\r\n"),
            Arguments.of("CN \"Last, First\" kept", "ATTENDEE;CN=\"Builder, Bob\";RSVP=TRUE:mailto:bob@source.example\r\n",
                "ATTENDEE;CN=\"Builder, Bob\";RSVP=TRUE:mailto:robert.b@target.example\r\n"),
            Arguments.of("CN that is the address, quoted, other case",
                "ATTENDEE;CN=\"BOB@source.example\":mailto:bob@source.example\r\n",
                "ATTENDEE;CN=\"robert.b@target.example\":mailto:robert.b@target.example\r\n"),
            Arguments.of("CN that is the address, unquoted (Google)",
                "ATTENDEE;CN=bob@source.example;X-NUM-GUESTS=0:mailto:bob@source.example\r\n",
                "ATTENDEE;CN=robert.b@target.example;X-NUM-GUESTS=0:mailto:robert.b@target.e\r\n xample\r\n"),
            Arguments.of("CN that is the address in Outlook's single quotes",
                "ATTENDEE;CN=\"'bob@source.example'\":mailto:bob@source.example\r\n",
                "ATTENDEE;CN=\"'robert.b@target.example'\":mailto:robert.b@target.example\r\n"),
            Arguments.of("CN of another address kept",
                "ATTENDEE;CN=alice@source.example:mailto:bob@source.example\r\n",
                "ATTENDEE;CN=alice@source.example:mailto:robert.b@target.example\r\n"),
            Arguments.of("CN that is the address of an unmapped value kept",
                "ATTENDEE;CN=bob@source.example:mailto:frank@partner.example\r\n",
                "ATTENDEE;CN=bob@source.example:mailto:frank@partner.example\r\n"),
            Arguments.of("SENT-BY quoted", "ORGANIZER;SENT-BY=\"mailto:bob@source.example\":mailto:alice@source.example\r\n",
                "ORGANIZER;SENT-BY=\"mailto:robert.b@target.example\":mailto:alice@target.exam\r\n ple\r\n"),
            Arguments.of("SENT-BY unquoted with a colon (Tine 2.0)",
                "ORGANIZER;SENT-BY=mailto:bob@source.example;CN=A:mailto:alice@source.example\r\n",
                "ORGANIZER;SENT-BY=mailto:robert.b@target.example;CN=A:mailto:alice@target.e\r\n xample\r\n"),
            Arguments.of("SENT-BY unquoted, last parameter",
                "ORGANIZER;SENT-BY=mailto:bob@source.example:mailto:alice@source.example\r\n",
                "ORGANIZER;SENT-BY=mailto:robert.b@target.example:mailto:alice@target.exampl\r\n e\r\n"),
            Arguments.of("DELEGATED-TO list, mapped and unmapped",
                "ATTENDEE;DELEGATED-TO=\"mailto:bob@source.example\",\"mailto:frank@partner.example\",\"MAILTO:alice@source.example\":mailto:x@partner.example\r\n",
                "ATTENDEE;DELEGATED-TO=\"mailto:robert.b@target.example\",\"mailto:frank@partne\r\n r.example\",\"MAILTO:alice@target.example\":mailto:x@partner.example\r\n"),
            Arguments.of("DELEGATED-FROM on an unmapped attendee",
                "ATTENDEE;DELEGATED-FROM=\"mailto:alice@source.example\":mailto:frank@partner.example\r\n",
                "ATTENDEE;DELEGATED-FROM=\"mailto:alice@target.example\":mailto:frank@partner.\r\n example\r\n"),
            Arguments.of("EMAIL bare, value a URN", "ATTENDEE;EMAIL=bob@source.example:urn:uuid:1234\r\n",
                "ATTENDEE;EMAIL=robert.b@target.example:urn:uuid:1234\r\n"),
            Arguments.of("EMAIL quoted and CN that is the EMAIL address",
                "ATTENDEE;CN=bob@source.example;EMAIL=\"bob@source.example\":urn:uuid:1\r\n",
                "ATTENDEE;CN=robert.b@target.example;EMAIL=\"robert.b@target.example\":urn:uui\r\n d:1\r\n"),
            Arguments.of("unquoted URL parameter with colons before the value",
                "ATTENDEE;X-URL=http://x.example/a;CN=Bob:mailto:bob@source.example\r\n",
                "ATTENDEE;X-URL=http://x.example/a;CN=Bob:mailto:robert.b@target.example\r\n"),
            Arguments.of("Yahoo mailto:MAILTO:", "ORGANIZER;CN=Alice:mailto:MAILTO:alice@source.example\r\n",
                "ORGANIZER;CN=Alice:mailto:MAILTO:alice@target.example\r\n"),
            Arguments.of("fold inside the scheme, re-folded to one line",
                "ORGANIZER:MAIL\r\n TO:alice@source.example\r\n", "ORGANIZER:MAILTO:alice@target.example\r\n"),
            Arguments.of("fold right after the value's colon", "ATTENDEE;CN=Dave:\r\n mailto:bob@source.example\r\n",
                "ATTENDEE;CN=Dave:mailto:robert.b@target.example\r\n"),
            Arguments.of("fold inside the address", "ATTENDEE:mailto:bob@sour\n ce.example\n", "ATTENDEE:mailto:robert.b@target.example\n"),
            Arguments.of("second space after a fold is content", "ATTENDEE;CN=Eve:\r\n  mailto:eve@source.example\r\n",
                "ATTENDEE;CN=Eve: mailto:εύα@target.example\r\n"),
            Arguments.of("TAB fold re-folded at 75 octets with TAB",
                "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=\"Builder,\r\n\t Bob\":mailto:bob@source.example\r\n",
                "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=\"Builder, \r\n\tBob\":mailto:robert.b@target.example\r\n"),
            Arguments.of("unfolded line that grows past 75 octets is folded with SP",
                "ATTENDEE;CN=Carol;PARTSTAT=NEEDS-ACTION:mailto:carol.longname-for-folding@source.example\n",
                "ATTENDEE;CN=Carol;PARTSTAT=NEEDS-ACTION:mailto:carol.longname-for-folding-m\n igrated@target.example\n"),
            Arguments.of("fold never splits a UTF-8 sequence",
                "ATTENDEE;CN=\"Εύα Παπαδοπούλου\";PARTSTAT=NEEDS-ACTION:mailto:eve@source.example\r\n",
                "ATTENDEE;CN=\"Εύα Παπαδοπούλου\";PARTSTAT=NEEDS-ACTION:mailto:\r\n εύα@target.example\r\n"),
            Arguments.of("no fold right after a bare CR (an LF fold would read back as CRLF)",
                "ATTENDEE;X-A=" + "a".repeat(61) + "\r:mailto:bob@source.example\n",
                "ATTENDEE;X-A=" + "a".repeat(61) + "\r:\n mailto:robert.b@target.example\n"),
            Arguments.of("last line without a line end", "ATTENDEE:mailto:bob@source.example", "ATTENDEE:mailto:robert.b@target.example"),
            Arguments.of("bare address value", "X-MS-OLK-SENDER:bob@source.example\r\n", "X-MS-OLK-SENDER:robert.b@target.example\r\n"),
            Arguments.of("leading and trailing spaces of the value kept", "ATTENDEE: mailto:bob@source.example \r\n",
                "ATTENDEE: mailto:robert.b@target.example \r\n"),
            Arguments.of("DESCRIPTION text is not an address line", "DESCRIPTION:mail alice@source.example\r\n",
                "DESCRIPTION:mail alice@source.example\r\n"),
            Arguments.of("X-MICROSOFT-LOCATIONS JSON untouched",
                "X-MICROSOFT-LOCATIONS:[{\"LocationUri\":\"alice@source.example\"}]\r\n",
                "X-MICROSOFT-LOCATIONS:[{\"LocationUri\":\"alice@source.example\"}]\r\n"),
            Arguments.of("Google's invalid:nomail kept", "ATTENDEE;CN=Room:invalid:nomail\r\n", "ATTENDEE;CN=Room:invalid:nomail\r\n"),
            Arguments.of("other lines keep folds and bytes",
                "SUMMARY:a very long summary that Google folded at seventy-five characters, ok\r\n  and more\r\n"
                    + "ATTENDEE:mailto:bob@source.example\r\nX-FOO;X=1:y\n",
                "SUMMARY:a very long summary that Google folded at seventy-five characters, ok\r\n  and more\r\n"
                    + "ATTENDEE:mailto:robert.b@target.example\r\nX-FOO;X=1:y\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void replacesOnlyAddressCharacters(String name, String input, String expected) {
        CalendarEdit edit = edit(utf8(input));

        assertThat(text(edit.content())).isEqualTo(expected);
        assertThat(edit.changed()).isEqualTo(!input.equals(expected));
        assertThat(edit.problems()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void secondPassChangesNothing(String name, String input, String expected) {
        byte[] once = edit(utf8(input)).content();

        CalendarEdit twice = edit(once);

        assertThat(twice.changed()).isFalse();
        assertThat(twice.content()).isSameAs(once);
    }

    static Stream<CalendarSamples.Sample> samples() {
        return CalendarSamples.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void rewritesRealShapesChangingOnlyAddressLines(CalendarSamples.Sample sample) {
        CalendarEdit edit = edit(sample.bytes);

        assertThat(edit.changed()).isTrue();
        assertThat(edit.problems()).isEmpty();
        CalendarAssertions.assertOnlyAddressesChanged(sample.bytes, edit.content(), MAPPINGS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void identityMapperKeepsTheVeryBytes(CalendarSamples.Sample sample) {
        CalendarEdit edit = CalendarEditor.edit(sample.bytes, StandardCharsets.UTF_8, AddressMapper.identity(), "text/calendar");

        assertThat(edit.changed()).isFalse();
        assertThat(edit.content()).isSameAs(sample.bytes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void samplesAreIdempotent(CalendarSamples.Sample sample) {
        byte[] once = edit(sample.bytes).content();

        assertThat(edit(once).changed()).isFalse();
    }

    @Test
    void outlookRequestExactBytes() {
        String expected = CalendarSamples.OUTLOOK_REQUEST
            .replace("ORGANIZER;CN=\"Smith, Alice\":mailto:alice@source.example",
                "ORGANIZER;CN=\"Smith, Alice\":mailto:alice@target.example")
            .replace("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=\"Builder,\r\n\t Bob\":mailto:bob@source.example",
                "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=\"Builder, \r\n\tBob\":mailto:robert.b@target.example");

        CalendarEdit edit = edit(utf8(CalendarSamples.OUTLOOK_REQUEST));

        assertThat(text(edit.content())).isEqualTo(expected);
        assertThat(edit.replacements()).containsExactly(
            Replacement.of("text/calendar ORGANIZER", Address.parse("alice@source.example"), Address.parse("alice@target.example")),
            Replacement.of("text/calendar ATTENDEE", Address.parse("bob@source.example"), Address.parse("robert.b@target.example")));
    }

    @Test
    void namesParameterReplacementsAfterTheirProperty() {
        CalendarEdit edit = edit(utf8(CalendarSamples.DELEGATION));

        assertThat(edit.replacements()).extracting(Replacement::fieldName).containsExactly(
            "text/calendar ORGANIZER", "text/calendar ORGANIZER;SENT-BY",
            "text/calendar ATTENDEE", "text/calendar ATTENDEE;DELEGATED-TO",
            "text/calendar ATTENDEE", "text/calendar ATTENDEE;DELEGATED-FROM");
    }

    /** name, content line that cannot be edited safely, the start of the reason. */
    static Stream<Arguments> uneditable() {
        return Stream.of(
            Arguments.of("unterminated quoted parameter", "ATTENDEE;CN=\"Bob:mailto:bob@source.example\r\n",
                "line 1 ATTENDEE: unterminated quoted parameter value"),
            Arguments.of("parameter without '='", "ATTENDEE;RSVP:mailto:bob@source.example\r\n",
                "line 1 ATTENDEE: parameter without '='"),
            Arguments.of("text after a quoted value", "ATTENDEE;CN=\"Bob\"x:mailto:bob@source.example\r\n",
                "line 1 ATTENDEE: text after a quoted parameter value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uneditable")
    void leavesUneditableLinesWithAReason(String name, String line, String reason) {
        byte[] input = utf8("BEGIN:VCALENDAR\r\n" + line.replace("line 1", "line 2"));
        CalendarEdit edit = edit(utf8(line));

        assertThat(edit.changed()).isFalse();
        assertThat(edit.problems()).singleElement().asString().startsWith(reason);
        assertThat(edit(input).problems()).singleElement().asString().startsWith(reason.replace("line 1", "line 2"));
    }

    @Test
    void leavesInvalidUtf8LineAndRewritesTheOthers() {
        byte[] bad = utf8("ATTENDEE;CN=X:mailto:bob@source.example\r\nATTENDEE;CN=\u0000:mailto:alice@source.example\r\n");
        bad[12] = (byte) 0xff;

        CalendarEdit edit = edit(bad);

        assertThat(edit.problems()).containsExactly("line 1 ATTENDEE: bytes that are not valid UTF-8; line left as it is");
        assertThat(new String(edit.content(), StandardCharsets.ISO_8859_1))
            .isEqualTo(new String(bad, StandardCharsets.ISO_8859_1).replace("alice@source.example", "alice@target.example"));
    }

    @Test
    void keepsLineTheCharsetCannotEncode() {
        byte[] latin1 = "ATTENDEE;CN=Zoë:mailto:eve@source.example\r\nATTENDEE:mailto:bob@source.example\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);

        CalendarEdit edit = CalendarEditor.edit(latin1, StandardCharsets.ISO_8859_1, MAPPER, "text/calendar");

        assertThat(edit.problems()).containsExactly("line 1 ATTENDEE: the new address cannot be written in ISO-8859-1; line left as it is");
        assertThat(new String(edit.content(), StandardCharsets.ISO_8859_1))
            .isEqualTo("ATTENDEE;CN=Zoë:mailto:eve@source.example\r\nATTENDEE:mailto:robert.b@target.example\r\n");
    }

    @Test
    void leavesCalendarInUtf16AsItIs() {
        byte[] utf16 = "ATTENDEE:mailto:bob@source.example\r\n".getBytes(StandardCharsets.UTF_16);

        CalendarEdit edit = CalendarEditor.edit(utf16, StandardCharsets.UTF_16, MAPPER, "text/calendar");

        assertThat(edit.changed()).isFalse();
        assertThat(edit.content()).isSameAs(utf16);
        assertThat(edit.problems()).containsExactly(
            "charset UTF-16 does not write ASCII as single ASCII bytes; calendar left as it is");
    }

    @Test
    void editsSingleByteCharsets() {
        Charset windows1252 = Charset.forName("windows-1252");
        byte[] calendar = "ATTENDEE;CN=\"Müller, Bob\":mailto:bob@source.example\r\n".getBytes(windows1252);

        CalendarEdit edit = CalendarEditor.edit(calendar, windows1252, MAPPER, "text/calendar");

        assertThat(new String(edit.content(), windows1252))
            .isEqualTo("ATTENDEE;CN=\"Müller, Bob\":mailto:robert.b@target.example\r\n");
    }

    @Test
    void emptyAndNonCalendarInputIsKept() {
        for (String input : List.of("", "\r\n", "garbage without lines", " leading continuation\r\nATTENDEE")) {
            byte[] bytes = utf8(input);
            assertThat(edit(bytes).content()).isSameAs(bytes);
        }
    }
}
