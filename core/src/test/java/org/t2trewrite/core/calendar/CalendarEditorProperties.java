package org.t2trewrite.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.t2trewrite.core.header.AddressMapper;

/** The editor on randomly damaged real calendars: it never throws, never touches what it need not, and a second pass changes nothing. */
class CalendarEditorProperties {

    @Provide
    Arbitrary<byte[]> damagedCalendars() {
        List<byte[]> samples = CalendarSamples.all().stream().map(sample -> sample.bytes).collect(Collectors.toList());
        return Arbitraries.of(samples).flatMap(sample -> Mutation.any().list().ofMaxSize(8)
            .map(mutations -> Mutation.applyAll(sample, mutations)));
    }

    @Provide
    Arbitrary<Charset> charsets() {
        return Arbitraries.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1, Charset.forName("windows-1252"));
    }

    @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
    void identityMapperReturnsTheVeryInput(@ForAll("damagedCalendars") byte[] calendar, @ForAll("charsets") Charset charset) {
        CalendarEdit edit = CalendarEditor.edit(calendar, charset, AddressMapper.identity(), "text/calendar");

        assertThat(edit.changed()).isFalse();
        assertThat(edit.content()).isSameAs(calendar);
    }

    @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
    void secondPassChangesNothing(@ForAll("damagedCalendars") byte[] calendar, @ForAll("charsets") Charset charset) {
        byte[] once = CalendarEditor.edit(calendar, charset, CalendarSamples.MAPPER, "text/calendar").content();

        CalendarEdit twice = CalendarEditor.edit(once, charset, CalendarSamples.MAPPER, "text/calendar");

        assertThat(twice.changed()).as(new String(once, StandardCharsets.ISO_8859_1)).isFalse();
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
    void randomFoldsChangeOnlyAddressLines(@ForAll("foldedCalendars") byte[] calendar) {
        CalendarEdit edit = CalendarEditor.edit(calendar, StandardCharsets.UTF_8, CalendarSamples.MAPPER, "text/calendar");

        CalendarAssertions.assertOnlyAddressesChanged(calendar, edit.content(), CalendarSamples.MAPPINGS);
    }

    /** Valid calendars folded at random places (never inside a line end): the meaning is unchanged, so the strict check applies. */
    @Provide
    Arbitrary<byte[]> foldedCalendars() {
        List<byte[]> samples = CalendarSamples.all().stream().map(sample -> sample.bytes).collect(Collectors.toList());
        return Arbitraries.of(samples).flatMap(sample -> Arbitraries.integers().between(0, sample.length - 1).list().ofMaxSize(10)
            .map(positions -> fold(sample, positions)));
    }

    private static byte[] fold(byte[] calendar, List<Integer> positions) {
        byte[] bytes = calendar;
        for (int position : positions) {
            int at = Math.min(position, bytes.length - 1);
            // Not inside CRLF, not at a line start (that would fold the previous line's end).
            if (bytes[at] == '\n' || (at > 0 && (bytes[at - 1] == '\n' || bytes[at - 1] == '\r'))) {
                continue;
            }
            byte[] folded = new byte[bytes.length + 3];
            System.arraycopy(bytes, 0, folded, 0, at);
            folded[at] = '\r';
            folded[at + 1] = '\n';
            folded[at + 2] = (byte) (position % 2 == 0 ? ' ' : '\t');
            System.arraycopy(bytes, at, folded, at + 3, bytes.length - at);
            bytes = folded;
        }
        return bytes;
    }
}
