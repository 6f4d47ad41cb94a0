package org.t2trewrite.directory.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectoryFixture;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.ExemptionPattern;
import org.t2trewrite.core.directory.Exemptions;

class DirectoryFileTest {
    private static final Instant AS_OF = Instant.parse("2024-05-01T10:00:00Z");

    /** A valid file; each invalid case below breaks it in one place, so the line numbers are known. */
    private static final String VALID = String.join("\n",
        /* 1 */ "{",
        /* 2 */ "  \"tenants\": {",
        /* 3 */ "    \"source\": { \"domains\": [\"source.example\"] },",
        /* 4 */ "    \"target\": { \"domains\": [\"target.example\"] }",
        /* 5 */ "  },",
        /* 6 */ "  \"people\": [",
        /* 7 */ "    { \"source\": \"alice@source.example\", \"target\": \"alice@target.example\",",
        /* 8 */ "      \"sourceAliases\": [\"a.smith@source.example\"], \"targetAliases\": [],",
        /* 9 */ "      \"mailbox\": \"source\", \"groups\": [\"DayOne\"] },",
        /* 10 */ "    { \"source\": \"bob@source.example\", \"target\": \"bob@target.example\",",
        /* 11 */ "      \"mailbox\": \"target\", \"groups\": [\"DayTwo\"] }",
        /* 12 */ "  ]",
        /* 13 */ "}",
        "");

    /** VALID with an exceptions object on line 13: {@code  "exceptions": <value>}. */
    private static String withExceptions(String value) {
        return VALID.replace("  ]\n}", "  ],\n  \"exceptions\": " + value + "\n}");
    }

    @Test
    void parsesExceptions() throws Exception {
        DirectorySnapshot snapshot = parse(withExceptions("{ \"senders\": [\"noreply*@source.example\"], "
            + "\"recipients\": [\"approvals@target.example\", \"@service.example\"], \"domains\": [\"apps.example\"] }"));

        assertThat(snapshot.exemptions()).isEqualTo(Exemptions.of(List.of(ExemptionPattern.parse("noreply*@source.example")),
            List.of(ExemptionPattern.parse("approvals@target.example"), ExemptionPattern.parse("@service.example")),
            List.of(Domain.of("apps.example"))));
        assertThat(parse(VALID).exemptions().isEmpty()).isTrue();
        assertThat(parse(withExceptions("{}")).exemptions().isEmpty()).isTrue();
    }

    @Test
    void parsesTheDocumentedFormat() throws Exception {
        DirectorySnapshot snapshot = parse(VALID);

        Person alice = snapshot.lookup(Address.parse("a.smith@source.example")).person().orElseThrow();
        assertThat(alice.target()).isEqualTo(Address.parse("alice@target.example"));
        assertThat(alice.mailbox()).isEqualTo(Tenant.SOURCE);
        assertThat(alice.eligibility()).isEqualTo(Eligibility.DAY_ONE);
        Person bob = snapshot.lookup(Address.parse("bob@target.example")).person().orElseThrow();
        assertThat(bob.aliases(Tenant.SOURCE)).isEmpty();
        assertThat(bob.mailbox()).isEqualTo(Tenant.TARGET);
        assertThat(bob.groups()).containsExactly(Group.DAY_TWO);
        assertThat(snapshot.asOf()).isEqualTo(AS_OF);
    }

    @Test
    void readsBackWhatTheFixtureWriterWrites() throws Exception {
        DirectorySnapshot snapshot = parse(DirectoryFiles.json(DirectoryFixture.standard()));

        assertThat(snapshot.people()).containsExactlyElementsOf(DirectoryFixture.standard().people());
        assertThat(snapshot.tenants()).isEqualTo(DirectoryFixture.TENANTS);
    }

    @Test
    void acceptsTenantAndGroupNamesInAnyCaseAndAByteOrderMark() throws Exception {
        DirectorySnapshot snapshot = parse("\uFEFF" + VALID.replace("\"mailbox\": \"source\"", "\"mailbox\": \"Source\"")
            .replace("[\"DayOne\"]", "[\"dayone\", \"DAYTWO\"]"));

        Person alice = snapshot.lookup(Address.parse("alice@source.example")).person().orElseThrow();
        assertThat(alice.mailbox()).isEqualTo(Tenant.SOURCE);
        assertThat(alice.eligibility()).isEqualTo(Eligibility.CONFLICT);
    }

    @Test
    void acceptsAnEmptyPeopleList() throws Exception {
        String empty = VALID.substring(0, VALID.indexOf("\"people\"")) + "\"people\": [] }";

        assertThat(parse(empty).people()).isEmpty();
    }

    static Stream<Arguments> invalidFiles() {
        return Stream.of(
            invalid("a typo in a key",
                VALID.replace("\"groups\": [\"DayOne\"]", "\"goups\": [\"DayOne\"]"),
                "dir.json:9:28: people[0]: unknown key \"goups\" (allowed: source, target, sourceAliases, targetAliases, mailbox, groups)"),
            invalid("an unknown top-level key",
                VALID.replace("  \"people\": [", "  \"peoples\": [], \"people\": ["),
                "dir.json:6:3: top level: unknown key \"peoples\" (allowed: tenants, people, exceptions)"),
            invalid("an unknown key in a tenant",
                VALID.replace("{ \"domains\": [\"target.example\"] }", "{ \"domain\": [\"target.example\"] }"),
                "dir.json:4:17: tenants.target: unknown key \"domain\" (allowed: domains)"),
            invalid("a missing mailbox",
                VALID.replace("\"mailbox\": \"target\", ", ""),
                "dir.json:10:5: people[1]: missing required key \"mailbox\""),
            invalid("a missing target address",
                VALID.replace(" \"target\": \"bob@target.example\",", ""),
                "dir.json:10:5: people[1]: missing required key \"target\""),
            invalid("missing tenants",
                "{\n" + VALID.substring(VALID.indexOf("  \"people\"")),
                "dir.json:1:1: top level: missing required key \"tenants\""),
            invalid("a missing tenant",
                VALID.replace("    \"source\": { \"domains\": [\"source.example\"] },\n", ""),
                "dir.json:2:14: tenants: missing required key \"source\""),
            invalid("groups as a string",
                VALID.replace("\"groups\": [\"DayTwo\"]", "\"groups\": \"DayTwo\""),
                "dir.json:11:38: people[1].groups: must be an array, not a string"),
            invalid("an address as a number",
                VALID.replace("[\"a.smith@source.example\"]", "[42]"),
                "dir.json:8:25: people[0].sourceAliases[0]: must be a string, not a number"),
            invalid("aliases as null",
                VALID.replace("\"targetAliases\": []", "\"targetAliases\": null"),
                "dir.json:8:69: people[0].targetAliases: must be an array, not null"),
            invalid("a person as an array",
                VALID.replace("[\n    { \"source\": \"alice", "[ [],\n    { \"source\": \"alice"),
                "dir.json:6:15: people[0]: must be an object, not an array"),
            invalid("people as an object",
                VALID.substring(0, VALID.indexOf("\"people\"")) + "\"people\": {} }",
                "dir.json:6:13: people: must be an array, not an object"),
            invalid("a top-level array",
                "[]",
                "dir.json:1:1: top level: must be an object, not an array"),
            invalid("a bad address",
                VALID.replace("\"bob@source.example\"", "\"bob.source.example\""),
                "dir.json:10:17: people[1].source: not an address: 'bob.source.example'"),
            invalid("a bad mailbox",
                VALID.replace("\"mailbox\": \"target\"", "\"mailbox\": \"cloud\""),
                "dir.json:11:18: people[1].mailbox: must be \"source\" or \"target\", not \"cloud\""),
            invalid("a bad group",
                VALID.replace("[\"DayTwo\"]", "[\"DayTwo\", \"Day3\"]"),
                "dir.json:11:49: people[1].groups[1]: must be \"DayOne\" or \"DayTwo\", not \"Day3\""),
            invalid("a group twice",
                VALID.replace("[\"DayTwo\"]", "[\"DayTwo\", \"daytwo\"]"),
                "dir.json:11:49: people[1].groups[1]: group DayTwo is listed twice"),
            invalid("an address of two people",
                VALID.replace("\"bob@source.example\"", "\"A.Smith@source.example\""),
                "dir.json:10:17: people[1].source: address A.Smith@source.example is already listed at line 8 (people[0].sourceAliases[0])"),
            invalid("an alias equal to the person's own primary address",
                VALID.replace("[\"a.smith@source.example\"]", "[\"alice@source.example\"]"),
                "dir.json:8:25: people[0].sourceAliases[0]: address alice@source.example is already listed at line 7 (people[0].source)"),
            invalid("a target alias in the source tenant's domain",
                VALID.replace("\"targetAliases\": []", "\"targetAliases\": [\"al@source.example\"]"),
                "dir.json:8:70: people[0].targetAliases[0]: target address al@source.example is in source domain source.example"),
            invalid("a source address in the target tenant's domain",
                VALID.replace("\"bob@source.example\"", "\"robert@target.example\""),
                "dir.json:10:17: people[1].source: source address robert@target.example is in target domain target.example"),
            invalid("a domain in both tenants",
                VALID.replace("[\"target.example\"]", "[\"target.example\", \"Source.Example\"]"),
                "dir.json:4:47: tenants.target.domains[1]: domain source.example is already listed at line 3 (tenants.source.domains[0])"),
            invalid("a tenant without domains",
                VALID.replace("[\"target.example\"]", "[]"),
                "dir.json:4:28: tenants.target.domains: must list at least one domain"),
            invalid("a bad domain",
                VALID.replace("[\"target.example\"]", "[\"target example\"]"),
                "dir.json:4:29: tenants.target.domains[0]: not a domain: invalid character in domain 'target example'"),
            invalid("a key twice in one person",
                VALID.replace("\"groups\": [\"DayTwo\"]", "\"groups\": [], \"groups\": [\"DayTwo\"]"),
                "dir.json:11:42: key \"groups\" appears twice in the same object (first at line 11)"),
            invalid("an unknown key in exceptions",
                withExceptions("{ \"sender\": [\"noreply@source.example\"] }"),
                "dir.json:13:19: exceptions: unknown key \"sender\" (allowed: senders, recipients, domains)"),
            invalid("an exception entry without @",
                withExceptions("{ \"senders\": [\"noreply\"] }"),
                "dir.json:13:31: exceptions.senders[0]: 'noreply' is not an address, local*@domain, @domain or local@*"),
            invalid("an exception for every address",
                withExceptions("{ \"recipients\": [\"ok@target.example\", \"*@*\"] }"),
                "dir.json:13:55: exceptions.recipients[1]: '*@*' would exempt every address"),
            invalid("a wildcard inside an exception's local part",
                withExceptions("{ \"senders\": [\"no*reply@source.example\"] }"),
                "dir.json:13:31: exceptions.senders[0]: 'no*reply@source.example': '*' is allowed only at the end of the local part"),
            invalid("an exception listed twice",
                withExceptions("{ \"senders\": [\"noreply@source.example\", \"NoReply@Source.Example\"] }"),
                "dir.json:13:57: exceptions.senders[1]: 'NoReply@Source.Example' is listed twice"),
            invalid("a bad exception domain",
                withExceptions("{ \"domains\": [\"apps example\"] }"),
                "dir.json:13:31: exceptions.domains[0]: not a domain: invalid character in domain 'apps example'"),
            invalid("exceptions as an array",
                withExceptions("[]"),
                "dir.json:13:17: exceptions: must be an object, not an array"),
            invalid("an empty file",
                "",
                "dir.json:1:1: the file is empty; expected a JSON object"),
            invalid("a second top-level value",
                VALID + "{}\n",
                "dir.json:14:1: malformed JSON: more content after the end of the top-level value"),
            invalid("bytes that are not UTF-8",
                VALID.replace("alice@source.example\", \"target\"", "al\u00ffice@source.example\", \"target\"")
                    .getBytes(StandardCharsets.ISO_8859_1),
                "dir.json:7:20: not UTF-8: invalid byte sequence (RFC 8259 requires UTF-8)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFiles")
    void rejectsAnInvalidFileNamingLineAndProblem(String name, byte[] content, String message) {
        assertThatThrownBy(() -> DirectoryFile.parse("dir.json", content, AS_OF))
            .isInstanceOf(InvalidDirectoryFileException.class)
            .hasMessage(message);
    }

    /**
     * Jackson's wording is its own; the location is what we promise. Jackson reports the position
     * just after the character it could not accept, so a column may be one past it.
     */
    static Stream<Arguments> malformedJson() {
        return Stream.of(
            Arguments.of("a missing comma between people",
                VALID.replace("\"groups\": [\"DayOne\"] },", "\"groups\": [\"DayOne\"] }"), 10, 6),
            Arguments.of("a trailing comma",
                VALID.replace("\"groups\": [\"DayTwo\"] }", "\"groups\": [\"DayTwo\"] },"), 12, 4),
            Arguments.of("an unquoted key",
                VALID.replace("\"mailbox\": \"source\"", "mailbox: \"source\""), 9, 8),
            Arguments.of("a comment",
                VALID.replace("  \"people\": [", "  // who\n  \"people\": ["), 6, 4),
            Arguments.of("a truncated file",
                VALID.substring(0, VALID.indexOf("\"bob@target")), 10, 49));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedJson")
    void rejectsMalformedJsonAtItsLineAndColumn(String name, String content, int line, int column) {
        assertThatThrownBy(() -> parse(content))
            .isInstanceOfSatisfying(InvalidDirectoryFileException.class, e -> {
                assertThat(e.file()).isEqualTo("dir.json");
                assertThat(e.line()).isEqualTo(line);
                assertThat(e.column()).isEqualTo(column);
                assertThat(e.problem()).startsWith("malformed JSON: ");
                assertThat(e.getMessage()).isEqualTo("dir.json:" + line + ":" + column + ": " + e.problem());
            });
    }

    @Test
    void citesWhereAnUnclosedObjectStartsWithoutQuotingTheFile() {
        assertThatThrownBy(() -> parse(VALID.substring(0, VALID.lastIndexOf('}'))))
            .hasMessage("dir.json:13:1: malformed JSON: Unexpected end-of-input: expected close marker for Object "
                + "(start marker at line 1, column 1)");
    }

    @Test
    void namesTheFileItReads(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("people.json");
        Files.write(file, VALID.replace("\"mailbox\": \"target\", ", "").getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> DirectoryFile.parse(file, AS_OF))
            .hasMessage(file + ":10:5: people[1]: missing required key \"mailbox\"");
    }

    @Test
    void reportsAMissingFileAsAnIoError(@TempDir Path folder) {
        assertThatThrownBy(() -> DirectoryFile.parse(folder.resolve("absent.json"), AS_OF))
            .isInstanceOf(NoSuchFileException.class)
            .hasMessageContaining("absent.json");
    }

    private static Arguments invalid(String name, String content, String message) {
        return invalid(name, content.getBytes(StandardCharsets.UTF_8), message);
    }

    private static Arguments invalid(String name, byte[] content, String message) {
        return Arguments.of(name, content, message);
    }

    private static DirectorySnapshot parse(String content) throws InvalidDirectoryFileException {
        return DirectoryFile.parse("dir.json", content.getBytes(StandardCharsets.UTF_8), AS_OF);
    }
}
