package org.t2trewrite.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.MessageSplit;
import org.t2trewrite.core.mime.MimeTree;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the invitation rewrite of whole messages (README "Fuzzing"): the MIME walk, the
 * transfer codecs and the calendar editor together. Under {@code mvn test} it replays the
 * inputs in {@code src/test/resources/org/t2trewrite/core/calendar/CalendarRewriteFuzzTestInputs/};
 * with {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}.
 *
 * <p>What must hold for every message: nothing throws; a mapper that matches nothing returns
 * the body byte for byte; a rewritten body walks to as many leaves as the original; and
 * rewriting the output again changes nothing.
 */
class CalendarRewriteFuzzTest {
    private static final AddressMapper NO_MATCH = AddressMapper.of(Map.of());

    private static final AddressMapper TO_TARGET = found -> found.domain().name().equalsIgnoreCase("target.example")
        ? Optional.empty() : Optional.of(Address.parse(found.localPart() + "@target.example"));

    @FuzzTest(maxDuration = "5s")
    void rewritingArbitraryMessagesKeepsItsPromises(byte[] message) {
        MessageSplit split = HeaderSection.split(message);
        HeaderSection header = split.header(message);
        byte[] body = Arrays.copyOfRange(message, split.bodyOffset(), message.length);

        CalendarRewrite untouched = CalendarRewrite.apply(header, body, NO_MATCH);
        assertThat(untouched.changed()).isFalse();
        assertThat(untouched.body()).isEqualTo(body);

        CalendarRewrite once = CalendarRewrite.apply(header, body, TO_TARGET);
        if (!once.changed()) {
            assertThat(once.body()).isEqualTo(body);
            return;
        }
        assertThat(once.replacements()).isNotEmpty();
        assertThat(MimeTree.of(header, once.body()).leaves()).hasSameSizeAs(MimeTree.of(header, body).leaves());

        CalendarRewrite twice = CalendarRewrite.apply(header, once.body(), TO_TARGET);
        assertThat(twice.changed()).as(() -> "second pass over "
            + new String(once.body(), StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n")).isFalse();
        assertThat(twice.body()).isEqualTo(once.body());
    }
}
