package org.t2trewrite.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.t2trewrite.core.Address;

/**
 * Checks of an edited calendar against its original that do not trust the editor's own line
 * splitting: every logical line is either byte-identical or an address line whose unfolded
 * text is the original's with the mapped addresses replaced, folded at 75 octets at most.
 */
final class CalendarAssertions {
    private static final Pattern ADDRESS_LINE = Pattern.compile(
        "(?i)^(ORGANIZER|ATTENDEE|X-MS-OLK-SENDER)[;:].*|^[^:\"]*;(SENT-BY|DELEGATED-TO|DELEGATED-FROM|EMAIL)=.*",
        Pattern.DOTALL);

    private CalendarAssertions() {
    }

    /** A logical line: its physical lines (with line ends) as they were. */
    static List<List<String>> logicalLines(byte[] calendar) {
        String text = new String(calendar, StandardCharsets.ISO_8859_1);
        List<List<String>> lines = new ArrayList<>();
        Matcher physical = Pattern.compile("[^\n]*\n|[^\n]+$").matcher(text);
        while (physical.find()) {
            String line = physical.group();
            if (!lines.isEmpty() && (line.startsWith(" ") || line.startsWith("\t"))) {
                lines.get(lines.size() - 1).add(line);
            } else {
                List<String> logical = new ArrayList<>();
                logical.add(line);
                lines.add(logical);
            }
        }
        return lines;
    }

    static String unfold(List<String> physical) {
        StringBuilder unfolded = new StringBuilder();
        for (int i = 0; i < physical.size(); i++) {
            String line = physical.get(i).replaceAll("\r?\n$", "");
            unfolded.append(i == 0 ? line : line.substring(1));
        }
        return new String(unfolded.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    static String replaceAddresses(String text, Map<Address, Address> mappings) {
        String result = text;
        for (Map.Entry<Address, Address> mapping : mappings.entrySet()) {
            result = Pattern.compile(Pattern.quote(mapping.getKey().toString()), Pattern.CASE_INSENSITIVE)
                .matcher(result).replaceAll(Matcher.quoteReplacement(mapping.getValue().toString()));
        }
        return result;
    }

    /** The output differs from the input only in address lines, by exactly the mapped addresses, and no mapped address is left in them. */
    static void assertOnlyAddressesChanged(byte[] original, byte[] edited, Map<Address, Address> mappings) {
        List<List<String>> before = logicalLines(original);
        List<List<String>> after = logicalLines(edited);
        assertThat(after).as("logical lines").hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            String unfoldedBefore = unfold(before.get(i));
            String unfoldedAfter = unfold(after.get(i));
            boolean addressLine = ADDRESS_LINE.matcher(unfoldedBefore).matches();
            if (addressLine) {
                for (Address old : mappings.keySet()) {
                    assertThat(unfoldedAfter.toLowerCase(Locale.ROOT)).as("line %d", i + 1)
                        .doesNotContain(old.toString().toLowerCase(Locale.ROOT));
                }
            }
            if (before.get(i).equals(after.get(i))) {
                continue;
            }
            assertThat(addressLine).as("only address lines change, line %d: %s", i + 1, unfoldedBefore).isTrue();
            assertThat(unfoldedAfter).as("line %d", i + 1).isEqualTo(replaceAddresses(unfoldedBefore, mappings));
            String ending = ending(before.get(i).get(0));
            List<String> physical = after.get(i);
            for (int j = 0; j < physical.size(); j++) {
                String line = physical.get(j);
                assertThat(line.replaceAll("\r?\n$", "").length()).as("octets of line %d.%d", i + 1, j).isLessThanOrEqualTo(75);
                if (j < physical.size() - 1) {
                    assertThat(ending(line)).as("fold line end of line %d", i + 1).isEqualTo(ending);
                }
            }
            assertThat(ending(physical.get(physical.size() - 1)))
                .isEqualTo(ending(before.get(i).get(before.get(i).size() - 1)));
            if (before.get(i).size() > 1 && physical.size() > 1) {
                assertThat(physical.get(1).charAt(0)).as("fold character").isEqualTo(before.get(i).get(1).charAt(0));
            }
        }
    }

    private static String ending(String line) {
        return line.endsWith("\r\n") ? "\r\n" : line.endsWith("\n") ? "\n" : "";
    }
}
