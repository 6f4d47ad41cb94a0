package org.t2trewrite.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.AddressMapper;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the calendar editor with arbitrary iCalendar bytes (README "Fuzzing"). Under
 * {@code mvn test} it replays the inputs in
 * {@code src/test/resources/org/t2trewrite/core/calendar/CalendarEditorFuzzTestInputs/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}.
 *
 * <p>What must hold for every input, in UTF-8, ISO-8859-1 or windows-1252 (chosen by the first
 * byte): nothing throws; a mapper that matches nothing returns the very input; the edited
 * calendar has the same content lines, each edited line parses again with the editor's own
 * line parser and keeps its property name; and editing the output again changes nothing.
 */
class CalendarEditorFuzzTest {
    private static final List<Charset> CHARSETS = List.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1,
        Charset.forName("windows-1252"));

    /** A mapping that matches nothing. */
    private static final AddressMapper NO_MATCH = AddressMapper.of(Map.of());

    /** Every address outside target.example moves there, local part kept; target addresses are never mapped again. */
    private static final AddressMapper TO_TARGET = found -> found.domain().name().equalsIgnoreCase("target.example")
        ? Optional.empty() : Optional.of(Address.parse(found.localPart() + "@target.example"));

    @FuzzTest(maxDuration = "5s")
    void editingArbitraryCalendarsKeepsItsPromises(byte[] input) {
        Charset charset = CHARSETS.get(input.length == 0 ? 0 : (input[0] & 0xff) % CHARSETS.size());

        CalendarEdit identity = CalendarEditor.edit(input, charset, AddressMapper.identity(), "text/calendar");
        assertThat(identity.changed()).isFalse();
        assertThat(identity.content()).isSameAs(input);
        CalendarEdit untouched = CalendarEditor.edit(input, charset, NO_MATCH, "text/calendar");
        assertThat(untouched.changed()).isFalse();
        assertThat(untouched.content()).isEqualTo(input);

        CalendarEdit once = CalendarEditor.edit(input, charset, TO_TARGET, "text/calendar");
        if (!once.changed()) {
            assertThat(once.content()).isEqualTo(input);
            assertThat(once.replacements()).isEmpty();
            return;
        }
        assertThat(once.replacements()).isNotEmpty();
        assertLinesReparse(input, once.content(), charset);

        CalendarEdit twice = CalendarEditor.edit(once.content(), charset, TO_TARGET, "text/calendar");
        assertThat(twice.changed()).as(() -> "second pass over " + printable(once.content())).isFalse();
        assertThat(twice.content()).isEqualTo(once.content());
    }

    private static void assertLinesReparse(byte[] input, byte[] output, Charset charset) {
        List<ContentLine> before = ContentLine.split(input);
        List<ContentLine> after = ContentLine.split(output);
        assertThat(after).as(() -> "content lines of " + printable(output)).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            byte[] oldLine = before.get(i).unfolded(input);
            byte[] newLine = after.get(i).unfolded(output);
            if (Arrays.equals(oldLine, newLine)) {
                continue;
            }
            String oldText = new String(oldLine, charset);
            String newText = new String(newLine, charset);
            // As the editor reads a line: leniently (SENT-BY=mailto:x with the colon in the
            // parameter), else strictly (the first colon ends the parameters).
            ParsedLine parsed = ParsedLine.parse(newText, true);
            if (parsed.failure() != null) {
                parsed = ParsedLine.parse(newText, false);
            }
            assertThat(parsed.failure()).as("edited line %s (was %s)", newText, oldText).isNull();
            assertThat(parsed.name().toUpperCase(Locale.ROOT)).as("property of %s (was %s)", newText, oldText)
                .isEqualTo(ParsedLine.parse(oldText, false).name().toUpperCase(Locale.ROOT));
        }
    }

    private static String printable(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }
}
