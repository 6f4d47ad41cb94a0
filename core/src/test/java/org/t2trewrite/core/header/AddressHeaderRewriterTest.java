package org.t2trewrite.core.header;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.Address;

class AddressHeaderRewriterTest {
    private static final Set<String> ADDRESS_FIELDS = Set.of("From", "Sender", "Reply-To", "To", "Cc");

    /** Maps source addresses to target ones, never a target address to anything. */
    private static final AddressMapper MAPPER = AddressMapper.of(Map.of(
        Address.parse("alice@source.example"), Address.parse("alice@target.example"),
        Address.parse("bob@source.example"), Address.parse("robert.b@target.example"),
        Address.parse("δοκιμή@παράδειγμα.δοκιμή"), Address.parse("dokimi@target.example"),
        Address.parse("eve@source.example"), Address.parse("εύα@target.example"),
        Address.parse("\"odd one\"@source.example"), Address.parse("\"odd \\\"one\\\"\"@target.example")));

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(HeaderSection section) {
        return new String(section.toBytes(), StandardCharsets.UTF_8);
    }

    /** name, header section, the same section rewritten. */
    static Stream<Arguments> rewrites() {
        return Stream.of(
            Arguments.of("bare addr-spec", "From: alice@source.example\r\n", "From: alice@target.example\r\n"),
            Arguments.of("angle-addr", "From: <alice@source.example>\r\n", "From: <alice@target.example>\r\n"),
            Arguments.of("display name and comments kept",
                "From: \"Doe, Alice\" (CEO) <alice@source.example> (work)\r\n",
                "From: \"Doe, Alice\" (CEO) <alice@target.example> (work)\r\n"),
            Arguments.of("case-insensitive match", "From: Alice@SOURCE.example\r\n", "From: alice@target.example\r\n"),
            Arguments.of("field name case kept", "FROM: alice@source.example\r\n", "FROM: alice@target.example\r\n"),
            Arguments.of("X-From is not From", "X-From: alice@source.example\r\n", "X-From: alice@source.example\r\n"),
            Arguments.of("Subject is never touched", "Subject: alice@source.example\r\n", "Subject: alice@source.example\r\n"),
            Arguments.of("folding and bare LF kept",
                "To: Bob\n <bob@source.example>,\n\tAlice <alice@source.example>\n",
                "To: Bob\n <robert.b@target.example>,\n\tAlice <alice@target.example>\n"),
            Arguments.of("trailing whitespace kept", "To: bob@source.example \t \r\n", "To: robert.b@target.example \t \r\n"),
            Arguments.of("tab after colon", "To:\talice@source.example\r\n", "To:\talice@target.example\r\n"),
            Arguments.of("groups",
                "To: Team: alice@source.example, \"B\" <bob@source.example>;, undisclosed-recipients:;\r\n",
                "To: Team: alice@target.example, \"B\" <robert.b@target.example>;, undisclosed-recipients:;\r\n"),
            Arguments.of("obsolete route kept", "To: <@relay.example:alice@source.example>\r\n",
                "To: <@relay.example:alice@target.example>\r\n"),
            Arguments.of("empty list elements", "Cc: alice@source.example,,bob@source.example\r\n",
                "Cc: alice@target.example,,robert.b@target.example\r\n"),
            Arguments.of("RFC 2047 display name kept", "From: =?UTF-8?B?QWxpY2U=?= <alice@source.example>\r\n",
                "From: =?UTF-8?B?QWxpY2U=?= <alice@target.example>\r\n"),
            Arguments.of("RFC 2047 word with an address is not an address",
                "From: =?UTF-8?Q?alice@source.example?= <other@x.example>\r\n",
                "From: =?UTF-8?Q?alice@source.example?= <other@x.example>\r\n"),
            Arguments.of("UTF-8 address and display name", "To: Δοκιμή <δοκιμή@παράδειγμα.δοκιμή>\r\n",
                "To: Δοκιμή <dokimi@target.example>\r\n"),
            Arguments.of("ASCII to UTF-8 address", "From: Eve <eve@source.example>\r\n", "From: Eve <εύα@target.example>\r\n"),
            Arguments.of("quoted local part", "From: <\"odd one\"@source.example>\r\n",
                "From: <\"odd \\\"one\\\"\"@target.example>\r\n"),
            Arguments.of("display name that is the address, bare",
                "From: alice@source.example <alice@source.example>\r\n",
                "From: alice@target.example <alice@target.example>\r\n"),
            Arguments.of("display name that is the address, quoted, other case",
                "From: \"ALICE@source.example\" <alice@source.example>\r\n",
                "From: \"alice@target.example\" <alice@target.example>\r\n"),
            Arguments.of("display name that is the address, Outlook single quotes",
                "From: \"'alice@source.example'\" <alice@source.example>\r\n",
                "From: \"'alice@target.example'\" <alice@target.example>\r\n"),
            Arguments.of("display name that is the address, quoted, new address needs escapes",
                "From: \"\\\"odd one\\\"@source.example\" <\"odd one\"@source.example>\r\n",
                "From: \"\\\"odd \\\\\\\"one\\\\\\\"\\\"@target.example\" <\"odd \\\"one\\\"\"@target.example>\r\n"),
            Arguments.of("display name only containing the address is kept",
                "From: \"alice@source.example via List\" <alice@source.example>\r\n",
                "From: \"alice@source.example via List\" <alice@target.example>\r\n"),
            Arguments.of("display name of another address is kept",
                "From: \"bob@source.example\" <alice@source.example>\r\n",
                "From: \"bob@source.example\" <alice@target.example>\r\n"),
            Arguments.of("unmapped addresses kept", "To: carol@elsewhere.example, alice@source.example\r\n",
                "To: carol@elsewhere.example, alice@target.example\r\n"),
            Arguments.of("last line without line ending", "Subject: s\r\nFrom: alice@source.example",
                "Subject: s\r\nFrom: alice@target.example"),
            Arguments.of("every field, order and other fields kept",
                "Received: from mx by relay; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
                    + "From: Alice <alice@source.example>\r\n"
                    + "Subject: Re: alice@source.example\r\n"
                    + "to: bob@source.example\r\n"
                    + "Cc: alice@source.example\r\n"
                    + "Reply-To: alice@source.example\r\n"
                    + "Sender: bob@source.example\r\n"
                    + "Resent-From: alice@source.example\r\n"
                    + "Message-ID: <alice@source.example>\r\n",
                "Received: from mx by relay; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
                    + "From: Alice <alice@target.example>\r\n"
                    + "Subject: Re: alice@source.example\r\n"
                    + "to: robert.b@target.example\r\n"
                    + "Cc: alice@target.example\r\n"
                    + "Reply-To: alice@target.example\r\n"
                    + "Sender: robert.b@target.example\r\n"
                    + "Resent-From: alice@source.example\r\n"
                    + "Message-ID: <alice@source.example>\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rewrites")
    void replacesOnlyTheAddressBytes(String name, String input, String expected) {
        HeaderRewrite rewrite = AddressHeaderRewriter.rewrite(HeaderSection.parse(utf8(input)), ADDRESS_FIELDS, MAPPER);

        assertThat(text(rewrite.section())).isEqualTo(expected);
        assertThat(rewrite.changed()).isEqualTo(!input.equals(expected));
        assertThat(rewrite.problems()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rewrites")
    void rewritingTwiceChangesNothingMore(String name, String input, String expected) {
        HeaderSection once = AddressHeaderRewriter.rewrite(HeaderSection.parse(utf8(input)), ADDRESS_FIELDS, MAPPER).section();

        HeaderRewrite twice = AddressHeaderRewriter.rewrite(once, ADDRESS_FIELDS, MAPPER);

        assertThat(twice.changed()).isFalse();
        assertThat(twice.replacements()).isEmpty();
        assertThat(twice.section().toBytes()).isEqualTo(once.toBytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rewrites")
    void identityMapperReturnsTheSameSection(String name, String input, String expected) {
        HeaderSection section = HeaderSection.parse(utf8(input));

        HeaderRewrite rewrite = AddressHeaderRewriter.rewrite(section, ADDRESS_FIELDS, AddressMapper.identity());

        assertThat(rewrite.changed()).isFalse();
        assertThat(rewrite.section()).isSameAs(section);
        assertThat(rewrite.section().toBytes()).isEqualTo(utf8(input));
    }

    /** name, header with one bad From field and a good To field, expected result, reason fragment. */
    static Stream<Arguments> unparseable() {
        return Stream.of(
            Arguments.of("unbalanced quote", "From: \"Alice <alice@source.example>\r\n", "unbalanced '\"'"),
            Arguments.of("unbalanced comment", "From: alice@source.example (Alice\r\n", "unbalanced '('"),
            Arguments.of("unbalanced angle bracket", "From: Alice <alice@source.example\r\n", "unbalanced '<'"),
            Arguments.of("stray @", "From: alice@source.example@\r\n", "stray '@'"),
            Arguments.of("garbage", "From: Alice at the source\r\n", "no address"),
            Arguments.of("folded garbage", "From: Alice\r\n <alice@source.example> ) x\r\n", "unbalanced ')'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unparseable")
    void leavesUnparseableFieldsAloneAndRewritesTheOthers(String name, String badFrom, String reason) {
        String input = badFrom + "To: alice@source.example\r\n";

        HeaderRewrite rewrite = AddressHeaderRewriter.rewrite(HeaderSection.parse(utf8(input)), ADDRESS_FIELDS, MAPPER);

        assertThat(text(rewrite.section())).isEqualTo(badFrom + "To: alice@target.example\r\n");
        assertThat(rewrite.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.fieldName()).isEqualTo("From");
            assertThat(problem.reason()).contains(reason);
        });
        assertThat(rewrite.replacements()).containsExactly(
            Replacement.of("To", Address.parse("alice@source.example"), Address.parse("alice@target.example")));
    }

    @Test
    void reportsEachReplacementWithItsFieldName() {
        String input = "From: Alice@Source.Example\r\ncc: bob@source.example, alice@source.example, carol@x.example\r\n";

        HeaderRewrite rewrite = AddressHeaderRewriter.rewrite(HeaderSection.parse(utf8(input)), ADDRESS_FIELDS, MAPPER);

        assertThat(rewrite.replacements()).extracting(Replacement::toString).containsExactly(
            "From: Alice@source.example -> alice@target.example",
            "cc: bob@source.example -> robert.b@target.example",
            "cc: alice@source.example -> alice@target.example");
    }

    @Test
    void keepsLegacyEightBitBytesAroundTheAddress() {
        byte[] input = "From: J\u00fcrgen <alice@source.example>\r\nSubject: \u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);

        HeaderRewrite rewrite = AddressHeaderRewriter.rewrite(HeaderSection.parse(input), ADDRESS_FIELDS, MAPPER);

        assertThat(rewrite.section().toBytes()).isEqualTo(
            "From: J\u00fcrgen <alice@target.example>\r\nSubject: \u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void sharesTheFieldsItDoesNotRewrite() {
        HeaderSection section = HeaderSection.parse(utf8("Subject: s\r\nFrom: alice@source.example\r\nTo: x@y.example\r\n"));

        HeaderSection rewritten = AddressHeaderRewriter.rewrite(section, ADDRESS_FIELDS, MAPPER).section();

        assertThat(rewritten.fields().get(0)).isSameAs(section.fields().get(0));
        assertThat(rewritten.fields().get(2)).isSameAs(section.fields().get(2));
        assertThat(rewritten.fields().get(1)).isNotEqualTo(section.fields().get(1));
    }

    @Test
    void rewritesOnlyTheNamedFieldsIgnoringTheirCase() {
        HeaderSection section = HeaderSection.parse(utf8("From: alice@source.example\r\nTo: alice@source.example\r\n"));

        HeaderRewrite rewrite = AddressHeaderRewriter.rewrite(section, Set.of("to"), MAPPER);

        assertThat(text(rewrite.section())).isEqualTo("From: alice@source.example\r\nTo: alice@target.example\r\n");
    }

    // Fragments for random sections: the field shapes above, plus fields the rewriter must not touch.
    private static final String[] VALUES = {
        "alice@source.example", "<alice@source.example>", "Alice <alice@source.example>",
        "\"Doe, Alice\" (CEO) <alice@source.example> (work)", "(a (nested \\) one)) bob@source.example",
        "Team: alice@source.example, \"B\" <bob@source.example>;", "undisclosed-recipients:;",
        "<@relay.example:alice@source.example>", "alice@source.example,,carol@x.example",
        "=?UTF-8?B?QWxpY2U=?= <alice@source.example>", "=?UTF-8?Q?alice@source.example?= <other@x.example>",
        "Δοκιμή <δοκιμή@παράδειγμα.δοκιμή>", "Eve <eve@source.example>", "alice@source.example <alice@source.example>",
        "\"'ALICE@source.example'\" <alice@source.example>", "\"Alice <alice@source.example>", "Alice at the source",
        "alice@source.example (unbalanced", "carol@x.example", "", "\t", "a..b@x.example",
    };
    private static final String[] NAMES = {"From", "to", "CC", "Reply-To", "Sender", "X-From", "Subject", "Received"};
    private static final String[] ENDINGS = {"\r\n", "\n"};

    private static String randomSection(Random random) {
        StringBuilder section = new StringBuilder();
        int count = random.nextInt(12);
        for (int i = 0; i < count; i++) {
            if (random.nextInt(15) == 0) {
                section.append("not a header line").append(ENDINGS[random.nextInt(2)]);
                continue;
            }
            String ending = ENDINGS[random.nextInt(2)];
            section.append(NAMES[random.nextInt(NAMES.length)]).append(random.nextBoolean() ? ": " : ":");
            int elements = 1 + random.nextInt(3);
            for (int e = 0; e < elements; e++) {
                if (e > 0) {
                    section.append(random.nextBoolean() ? ", " : "," + ending + (random.nextBoolean() ? " " : "\t"));
                }
                section.append(fold(VALUES[random.nextInt(VALUES.length)], ending, random));
            }
            section.append(random.nextInt(5) == 0 ? "  " : "");
            if (i < count - 1 || random.nextInt(4) > 0) {
                section.append(ending);
            }
        }
        return section.toString();
    }

    /** Folds at some spaces outside quoted strings (inside them folding is still legal, RFC 5322 §3.2.4). */
    private static String fold(String value, String ending, Random random) {
        StringBuilder folded = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' && random.nextInt(3) == 0) {
                folded.append(ending);
            }
            folded.append(c);
        }
        return folded.toString();
    }

    @Test
    void randomSectionsSurviveParsingAndIdentityRewritingByteForByte() {
        Random random = new Random(20240501L);
        List<String> failures = new ArrayList<>();
        for (int run = 0; run < 2000; run++) {
            byte[] bytes = utf8(randomSection(random));
            HeaderSection section = HeaderSection.parse(bytes);
            HeaderRewrite identity = AddressHeaderRewriter.rewrite(section, ADDRESS_FIELDS, AddressMapper.identity());
            HeaderRewrite once = AddressHeaderRewriter.rewrite(section, ADDRESS_FIELDS, MAPPER);
            HeaderRewrite twice = AddressHeaderRewriter.rewrite(once.section(), ADDRESS_FIELDS, MAPPER);
            boolean ok = Arrays.equals(section.toBytes(), bytes)
                && Arrays.equals(identity.section().toBytes(), bytes)
                && !identity.changed()
                && !twice.changed()
                && Arrays.equals(twice.section().toBytes(), once.section().toBytes())
                && once.problems().equals(identity.problems())
                && once.section().fields().size() == section.fields().size();
            if (!ok) {
                failures.add(new String(bytes, StandardCharsets.UTF_8));
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void randomSectionsChangeOnlyInTheRewrittenFields() {
        Random random = new Random(7L);
        int rewrittenSections = 0;
        for (int run = 0; run < 2000; run++) {
            HeaderSection section = HeaderSection.parse(utf8(randomSection(random)));
            HeaderRewrite rewrite = AddressHeaderRewriter.rewrite(section, ADDRESS_FIELDS, MAPPER);
            List<HeaderField> before = section.fields();
            List<HeaderField> after = rewrite.section().fields();
            for (int i = 0; i < before.size(); i++) {
                HeaderField field = before.get(i);
                boolean rewritable = !field.isOpaque() && ADDRESS_FIELDS.stream().anyMatch(field::hasName);
                if (!rewritable || !AddressHeaderParser.parse(field).isParsed()) {
                    assertThat(after.get(i)).isSameAs(field);
                } else {
                    assertThat(after.get(i).name()).isEqualTo(field.name());
                    assertThat(after.get(i).lineEnding()).isEqualTo(field.lineEnding());
                    assertThat(AddressHeaderParser.parse(after.get(i)).addresses()).doesNotContain(
                        Address.parse("alice@source.example"), Address.parse("bob@source.example"));
                }
            }
            rewrittenSections += rewrite.changed() ? 1 : 0;
        }
        assertThat(rewrittenSections).isGreaterThan(500);
    }
}
