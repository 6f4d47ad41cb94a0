package org.t2trewrite.core.header;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.t2trewrite.core.Address;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes address-header parsing and rewriting with arbitrary header-section bytes (README
 * "Fuzzing"). Under {@code mvn test} it replays the inputs in
 * {@code src/test/resources/org/t2trewrite/core/header/AddressHeaderFuzzTestInputs/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}.
 *
 * <p>What must hold for every input: nothing throws (a field that cannot be read is a
 * {@link HeaderProblem}, the one closed failure); a mapper that matches nothing gives back the
 * input byte for byte; a field that parsed still parses after the rewrite and names exactly the
 * mapped addresses, in order; a field that did not parse, or had nothing to replace, keeps its
 * bytes; and rewriting the output again with the same mapping changes nothing.
 */
class AddressHeaderFuzzTest {
    static final Set<String> FIELDS = Set.of("From", "Sender", "Reply-To", "To", "Cc", "Resent-From");

    /** A mapping that matches nothing. */
    private static final AddressMapper NO_MATCH = AddressMapper.of(Map.of());

    /** Every address outside target.example moves there, local part kept; target addresses are never mapped again. */
    static final AddressMapper TO_TARGET = moveTo("target.example");

    /** The same with an internationalised domain: the new bytes are UTF-8 (RFC 6532). */
    static final AddressMapper TO_UTF8_TARGET = moveTo("zielbücher.example");

    private static AddressMapper moveTo(String domain) {
        return found -> {
            if (found.domain().name().equalsIgnoreCase(domain)) {
                return Optional.empty();
            }
            return Optional.of(Address.parse(found.localPart() + "@" + domain));
        };
    }

    @FuzzTest(maxDuration = "5s")
    void rewritingArbitraryHeadersKeepsItsPromises(byte[] input) {
        HeaderSection section = HeaderSection.parse(input);
        assertThat(section.toBytes()).isEqualTo(input);

        HeaderRewrite untouched = AddressHeaderRewriter.rewrite(section, FIELDS, NO_MATCH);
        assertThat(untouched.changed()).isFalse();
        assertThat(untouched.section().toBytes()).isEqualTo(input);

        AddressMapper mapper = input.length > 0 && (input[0] & 1) == 1 ? TO_UTF8_TARGET : TO_TARGET;
        HeaderRewrite once = AddressHeaderRewriter.rewrite(section, FIELDS, mapper);
        assertFieldByField(section, once, mapper);

        HeaderRewrite twice = AddressHeaderRewriter.rewrite(once.section(), FIELDS, mapper);
        assertThat(twice.changed()).as(() -> "second pass over " + printable(once.section().toBytes())).isFalse();
        assertThat(twice.section().toBytes()).isEqualTo(once.section().toBytes());
        assertThat(twice.problems()).isEqualTo(once.problems());
    }

    private static void assertFieldByField(HeaderSection before, HeaderRewrite rewrite, AddressMapper mapper) {
        List<HeaderField> oldFields = before.fields();
        List<HeaderField> newFields = rewrite.section().fields();
        assertThat(newFields).hasSameSizeAs(oldFields);
        int problems = 0;
        for (int i = 0; i < oldFields.size(); i++) {
            HeaderField oldField = oldFields.get(i);
            HeaderField newField = newFields.get(i);
            if (oldField.isOpaque() || !FIELDS.stream().anyMatch(oldField::hasName)) {
                assertThat(newField).isEqualTo(oldField);
                continue;
            }
            AddressParse oldParse = AddressHeaderParser.parse(oldField);
            if (!oldParse.isParsed()) {
                problems++;
                assertThat(newField).as("a field that did not parse keeps its bytes").isEqualTo(oldField);
                continue;
            }
            AddressParse newParse = AddressHeaderParser.parse(newField);
            assertThat(newParse.isParsed()).as(() -> oldField + " rewritten as " + newField + " re-parses: " + newParse).isTrue();
            assertThat(texts(newParse.addresses())).as(() -> "addresses of " + oldField + " rewritten as " + newField)
                .isEqualTo(texts(mapped(oldParse.addresses(), mapper)));
            if (texts(oldParse.addresses()).equals(texts(newParse.addresses()))) {
                assertThat(newField).as("nothing to replace, nothing changed").isEqualTo(oldField);
            }
        }
        assertThat(rewrite.problems()).hasSize(problems);
    }

    private static List<Address> mapped(List<Address> addresses, AddressMapper mapper) {
        List<Address> result = new ArrayList<>();
        for (Address address : addresses) {
            result.add(mapper.replacementFor(address).orElse(address));
        }
        return result;
    }

    /** Addresses as written: {@link Address#equals} ignores case, the rewrite must not. */
    private static List<String> texts(List<Address> addresses) {
        List<String> texts = new ArrayList<>();
        addresses.forEach(address -> texts.add(address.toString()));
        return texts;
    }

    private static String printable(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }
}
