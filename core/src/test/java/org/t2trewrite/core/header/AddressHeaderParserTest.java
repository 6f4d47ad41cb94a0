package org.t2trewrite.core.header;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.Address;

class AddressHeaderParserTest {

    /** name, field value, the addr-specs exactly as written (their byte spans). */
    static Stream<Arguments> parsedValues() {
        return Stream.of(
            Arguments.of("bare addr-spec", "a@x.example", List.of("a@x.example")),
            Arguments.of("angle-addr", "<a@x.example>", List.of("a@x.example")),
            Arguments.of("display name", "Alice <a@x.example>", List.of("a@x.example")),
            Arguments.of("quoted display name with comma", "\"Doe, Jane\" <jane@x.example>", List.of("jane@x.example")),
            Arguments.of("quoted display name with escapes", "\"Jane \\\"JD\\\" Doe\" <jane@x.example>", List.of("jane@x.example")),
            Arguments.of("comment after addr-spec", "a@x.example (Alice)", List.of("a@x.example")),
            Arguments.of("nested comment with escaped paren", "(outer (inner \\) still) done) Alice <a@x.example> (c)",
                List.of("a@x.example")),
            Arguments.of("comment with address inside", "(b@y.example) a@x.example", List.of("a@x.example")),
            Arguments.of("comment inside addr-spec", "a(c)@x.example", List.of("a(c)@x.example")),
            Arguments.of("group", "Team: a@x.example, \"B\" <b@y.example>;", List.of("a@x.example", "b@y.example")),
            Arguments.of("empty group", "undisclosed-recipients:;", List.of()),
            Arguments.of("group then mailbox", "Team: a@x.example;, c@z.example", List.of("a@x.example", "c@z.example")),
            Arguments.of("group without final semicolon", "Team: a@x.example", List.of("a@x.example")),
            Arguments.of("group with angle-addr", "Team: <a@x.example>;", List.of("a@x.example")),
            Arguments.of("obsolete route", "<@relay.example:a@x.example>", List.of("a@x.example")),
            Arguments.of("obsolete route with two hops", "Alice <@r1.example,@r2.example:a@x.example>", List.of("a@x.example")),
            Arguments.of("several addresses", "a@x.example, Bob <b@y.example>, c@z.example",
                List.of("a@x.example", "b@y.example", "c@z.example")),
            Arguments.of("empty list elements", "a@x.example,,b@y.example", List.of("a@x.example", "b@y.example")),
            Arguments.of("leading and trailing commas", " , a@x.example ,", List.of("a@x.example")),
            Arguments.of("folded between tokens", "Alice\r\n <a@x.example>,\r\n\tb@y.example", List.of("a@x.example", "b@y.example")),
            Arguments.of("folded with bare LF", "Alice\n <a@x.example>", List.of("a@x.example")),
            Arguments.of("tabs", "\tAlice\t<a@x.example>\t", List.of("a@x.example")),
            Arguments.of("RFC 2047 display name", "=?UTF-8?B?w4lsw6lvbm9yZQ==?= <a@x.example>", List.of("a@x.example")),
            Arguments.of("RFC 2047 word with @ is not an address", "=?UTF-8?Q?b@evil.example?= <a@x.example>",
                List.of("a@x.example")),
            Arguments.of("RFC 2047 word with < is not an address", "=?UTF-8?Q?b<c@evil.example?= <a@x.example>",
                List.of("a@x.example")),
            Arguments.of("UTF-8 addr-spec", "δοκιμή@παράδειγμα.δοκιμή", List.of("δοκιμή@παράδειγμα.δοκιμή")),
            Arguments.of("UTF-8 display name", "Jürgen Müller <j@x.example>", List.of("j@x.example")),
            Arguments.of("UTF-8 quoted display name", "\"Müller, Jürgen\" <j@bücher.example>", List.of("j@bücher.example")),
            Arguments.of("quoted local part", "\"john smith\"@x.example", List.of("\"john smith\"@x.example")),
            Arguments.of("quoted local part with @", "<\"a@b\"@x.example>", List.of("\"a@b\"@x.example")),
            Arguments.of("domain literal", "a@[192.0.2.1]", List.of("a@[192.0.2.1]")),
            Arguments.of("empty value", "", List.of()),
            Arguments.of("only whitespace and comment", "  (nobody) ", List.of()),
            Arguments.of("null path", "<>", List.of()),
            Arguments.of("address as display name", "a@x.example <a@x.example>", List.of("a@x.example")),
            Arguments.of("dots in display name", "John Q. Public <jqp@x.example>", List.of("jqp@x.example")),
            Arguments.of("tag in display name", "[External] Alice <a@x.example>", List.of("a@x.example")),
            Arguments.of("dots in local part", "a..b.@x.example", List.of("a..b.@x.example")),
            Arguments.of("space around dot (obsolete)", "a . b@x.example", List.of("a . b@x.example")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parsedValues")
    void findsEachAddressAndItsExactBytes(String name, String value, List<String> specs) {
        byte[] raw = ("To: " + value + "\r\n").getBytes(StandardCharsets.UTF_8);
        AddressParse parse = AddressHeaderParser.parse(HeaderField.parse(raw));

        assertThat(parse.failure()).isEmpty();
        List<String> spans = new ArrayList<>();
        List<Address> expected = new ArrayList<>();
        for (FoundAddress found : parse.found()) {
            spans.add(new String(raw, found.start(), found.end() - found.start(), StandardCharsets.UTF_8));
        }
        for (String spec : specs) {
            expected.add(Address.parse(withoutCommentsAndSpaces(spec)));
        }
        assertThat(spans).isEqualTo(specs);
        assertThat(parse.addresses()).isEqualTo(expected);
    }

    /** The addr-spec without the comments and whitespace between its tokens (quoted strings kept). */
    private static String withoutCommentsAndSpaces(String spec) {
        StringBuilder plain = new StringBuilder();
        boolean quoted = false;
        int comment = 0;
        for (char c : spec.toCharArray()) {
            if (c == '"' && comment == 0) {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                comment++;
            } else if (!quoted && c == ')') {
                comment--;
                continue;
            }
            if (comment == 0 && (quoted || c != ' ')) {
                plain.append(c);
            }
        }
        return plain.toString();
    }

    /** name, field value, a fragment of the reason. */
    static Stream<Arguments> unparseableValues() {
        return Stream.of(
            Arguments.of("unbalanced quote", "\"Alice <a@x.example>", "unbalanced '\"'"),
            Arguments.of("unbalanced comment", "a@x.example (Alice", "unbalanced '('"),
            Arguments.of("unbalanced nested comment", "a@x.example (Alice (x)", "unbalanced '('"),
            Arguments.of("stray closing paren", "a@x.example )", "unbalanced ')'"),
            Arguments.of("unbalanced angle bracket", "Alice <a@x.example", "unbalanced '<'"),
            Arguments.of("stray closing angle bracket", "a@x.example>", "unexpected '>'"),
            Arguments.of("two @", "a@b@x.example", "stray '@'"),
            Arguments.of("no local part", "@x.example", "stray '@'"),
            Arguments.of("no domain", "a@", "stray '@'"),
            Arguments.of("words without address", "Undisclosed recipients", "no address"),
            Arguments.of("RFC 2047 word alone is not an address", "=?UTF-8?Q?b@evil.example?=", "no address"),
            Arguments.of("words before @ without dot", "John Smith@x.example", "no address"),
            Arguments.of("two addresses without comma", "a@x.example b@y.example", "stray '@'"),
            Arguments.of("garbage after angle-addr", "<a@x.example> junk", "unexpected 'junk'"),
            Arguments.of("group inside a group", "A: B: c@x.example;;", "group inside a group"),
            Arguments.of("unbalanced domain literal", "a@[192.0.2.1", "unbalanced '['"),
            Arguments.of("angle-addr without address", "Alice <Bob>", "no address"),
            Arguments.of("nested angle brackets", "<<a@x.example>>", "unexpected '<'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unparseableValues")
    void reportsWhyAFieldDoesNotParse(String name, String value, String reason) {
        AddressParse parse = AddressHeaderParser.parseValue(value);

        assertThat(parse.isParsed()).isFalse();
        assertThat(parse.found()).isEmpty();
        assertThat(parse.failure()).hasValueSatisfying(failure -> assertThat(failure).contains(reason));
    }

    @Test
    void offsetsCountFromTheStartOfTheField() {
        HeaderField field = HeaderField.parse("Reply-To: Alice <a@x.example>\r\n".getBytes(StandardCharsets.US_ASCII));

        FoundAddress found = AddressHeaderParser.parse(field).found().get(0);

        assertThat(found.start()).isEqualTo(17);
        assertThat(found.end()).isEqualTo(28);
    }

    @Test
    void keepsDisplayNameAsWritten() {
        AddressParse parse = AddressHeaderParser.parseValue(
            "\"Doe, Jane\" <jane@x.example>, =?UTF-8?B?QWxpY2U=?= (c) <a@x.example>, b@y.example");

        assertThat(parse.found()).extracting(found -> found.displayName().orElse("-"))
            .containsExactly("\"Doe, Jane\"", "=?UTF-8?B?QWxpY2U=?=", "-");
    }

    @Test
    void readsLegacyEightBitDisplayNames() {
        byte[] raw = "From: J\u00fcrgen <j@x.example>\r\n".getBytes(StandardCharsets.ISO_8859_1);

        AddressParse parse = AddressHeaderParser.parse(HeaderSection.parse(raw).fields().get(0));

        assertThat(parse.addresses()).containsExactly(Address.parse("j@x.example"));
        assertThat(parse.found().get(0).displayName()).hasValue("J\u00fcrgen");
    }

    @Test
    void refusesOpaqueFields() {
        HeaderField opaque = HeaderSection.parse("From a@x.example Mon Jan  1 00:00:00 2024\r\n"
            .getBytes(StandardCharsets.US_ASCII)).fields().get(0);

        assertThat(AddressHeaderParser.parse(opaque).isParsed()).isFalse();
    }

    @Test
    void parsesTheUtf8BytesOfATextValue() {
        AddressParse parse = AddressHeaderParser.parseValue("Δ <δ@x.example>");

        assertThat(parse.found().get(0).start()).isEqualTo(4);
        assertThat(parse.addresses()).containsExactly(Address.parse("δ@x.example"));
    }
}
