package org.t2trewrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.directory.file.DirectoryFile;
import org.t2trewrite.graph.SnapshotFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ExplainCommandTest {
    /** The shipped example directory (alice, bob DayOne in source; carol DayTwo in target; dave none; erin DayOne cut over) with exceptions. */
    private static final String DIRECTORY = "{\n"
        + "  \"tenants\": { \"source\": { \"domains\": [\"source.example\"] }, \"target\": { \"domains\": [\"target.example\"] } },\n"
        + "  \"people\": [\n"
        + "    { \"source\": \"alice@source.example\", \"target\": \"alice@target.example\", \"mailbox\": \"source\", \"groups\": [\"DayOne\"] },\n"
        + "    { \"source\": \"bob@source.example\", \"target\": \"bob@target.example\", \"mailbox\": \"source\", \"groups\": [\"DayOne\"] },\n"
        + "    { \"source\": \"carol@source.example\", \"target\": \"carol@target.example\", \"mailbox\": \"target\", \"groups\": [\"DayTwo\"] },\n"
        + "    { \"source\": \"dave@source.example\", \"target\": \"dave@target.example\", \"mailbox\": \"source\", \"groups\": [] },\n"
        + "    { \"source\": \"erin@source.example\", \"target\": \"erin@target.example\", \"mailbox\": \"target\", \"groups\": [\"DayOne\"] }\n"
        + "  ],\n"
        + "  \"exceptions\": { \"senders\": [\"noreply*@source.example\"], \"recipients\": [\"approvals@target.example\"] }\n"
        + "}\n";

    @TempDir
    Path folder;

    private Path directory;
    private Path keys;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        directory = Files.writeString(folder.resolve("directory.json"), DIRECTORY);
        keys = Files.createDirectory(folder.resolve("keys"));
        assertThat(T2tRewriteCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "dkim-keygen", "--domain",
            "target.example", "--selector", "t2t", "--out", keys.toString())).as(err.toString()).isZero();
    }

    private int run(String... args) {
        return T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err),
            Stream.concat(Stream.of("explain"), Stream.of(args)).toArray(String[]::new));
    }

    private JsonNode json(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--json");
        int code = run(all.toArray(String[]::new));
        assertThat(code).as(err.toString()).isZero();
        return new ObjectMapper().readTree(out.toString());
    }

    private static JsonNode recipient(JsonNode root, String address) {
        for (JsonNode node : root.path("recipients")) {
            if (node.path("recipient").asText().equals(address)) {
                return node;
            }
        }
        throw new AssertionError("no recipient " + address + " in " + root);
    }

    @Test
    void explainsADayOneSendersMailAsATable() {
        int code = run("--directory", directory.toString(), "--dkim-keys", keys.toString(),
            "--route-source", "source.mail.protection.outlook.com", "--route-target", "target.mail.protection.outlook.com",
            "--from", "alice@source.example", "--to", "ext@external.example");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
            .contains("sender alice@source.example: alice@source.example / alice@target.example, DayOne, mailbox in source")
            .containsPattern("ext@external\\.example +ext@external\\.example +alice@target\\.example +DayOne sender rewritten"
                + " +for target\\.example with t2t\\._domainkey\\.target\\.example \\(rsa-sha256, 2048 bits\\)"
                + " +MX of external\\.example via t2t-to-mx");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void explainsAReplyToAMovedPersonAsJson() throws Exception {
        JsonNode root = json("--directory", directory.toString(), "--route-source", "in.source.example:2525",
            "--route-target", "in.target.example", "--route-other", "smarthost.example:587",
            "--from", "ext@external.example", "--to", "alice@target.example", "--cc", "other@elsewhere.example");

        JsonNode alice = recipient(root, "alice@target.example");
        assertThat(alice.path("deliveredTo").asText()).isEqualTo("alice@source.example");
        assertThat(alice.path("redirectedTo").asText()).isEqualTo("alice@source.example");
        assertThat(alice.path("to").get(0).asText()).isEqualTo("alice@source.example");
        assertThat(alice.path("route").path("processor").asText()).isEqualTo("t2t-to-source-tenant");
        assertThat(alice.path("route").path("host").asText()).isEqualTo("in.source.example:2525");
        assertThat(alice.path("signing").isNull()).isTrue();
        JsonNode other = recipient(root, "other@elsewhere.example");
        assertThat(other.path("to").get(0).asText()).isEqualTo("alice@target.example");
        assertThat(other.path("route").path("host").asText()).isEqualTo("smarthost.example:587");
        assertThat(other.path("route").path("processor").asText()).isEqualTo("t2t-to-smarthost");
    }

    @Test
    void explainsExemptSendersAndRecipientsWithTheEntryThatMatched() throws Exception {
        JsonNode fromApp = json("--directory", directory.toString(), "--from", "noreply-hr@source.example",
            "--to", "alice@target.example");
        assertThat(recipient(fromApp, "alice@target.example").path("exempt").path("reason").asText()).isEqualTo("sender");
        assertThat(recipient(fromApp, "alice@target.example").path("exempt").path("entry").asText())
            .isEqualTo("senders: noreply*@source.example");
        assertThat(recipient(fromApp, "alice@target.example").path("deliveredTo").asText()).isEqualTo("alice@target.example");

        out.getBuffer().setLength(0);
        JsonNode toApprovals = json("--directory", directory.toString(), "--from", "alice@source.example",
            "--to", "approvals@target.example,ext@external.example");
        JsonNode approvals = recipient(toApprovals, "approvals@target.example");
        assertThat(approvals.path("exempt").path("reason").asText()).isEqualTo("recipient");
        assertThat(approvals.path("from").asText()).isEqualTo("alice@source.example");
        assertThat(approvals.path("signing").isNull()).isTrue();
        assertThat(recipient(toApprovals, "ext@external.example").path("from").asText()).isEqualTo("alice@target.example");
    }

    @Test
    void saysWhenTheSigningKeyIsMissing() {
        int code = run("--directory", directory.toString(), "--dkim-keys", keys.toString(),
            "--from", "carol@target.example", "--to", "ext@external.example");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("DayTwo sender rewritten").contains("for source.example: no key, would be kept in error");
    }

    @Test
    void readsAMessageFileWithANullEnvelopeSender() throws Exception {
        Path bounce = Files.writeString(folder.resolve("bounce.eml"), "From: MAILER-DAEMON@mx.example\r\n"
            + "To: erin@source.example\r\nSubject: Undelivered\r\n\r\nbody\r\n");

        JsonNode root = json("--directory", directory.toString(), "--eml", bounce.toString(), "--mail-from", "<>");

        assertThat(root.path("envelopeSender").asText()).isEqualTo("<>");
        JsonNode erin = recipient(root, "erin@source.example");
        assertThat(erin.path("deliveredTo").asText()).isEqualTo("erin@target.example");
        assertThat(erin.path("envelopeSender").asText()).isEqualTo("<>");
        assertThat(erin.path("route").path("processor").asText()).isEqualTo("t2t-to-target-tenant");
    }

    @Test
    void answersTheSameFromTheGraphDirectorysPersistedSnapshot() throws Exception {
        Path snapshot = folder.resolve("graph-snapshot.json");
        new SnapshotFile(snapshot).write(DirectoryFile.parse(directory, Instant.EPOCH));
        JsonNode fromFile = json("--directory", directory.toString(), "--from", "carol@target.example",
            "--to", "dave@source.example,approvals@target.example,ext@external.example");
        out.getBuffer().setLength(0);

        JsonNode fromSnapshot = json("--graph-snapshot", snapshot.toString(), "--from", "carol@target.example",
            "--to", "dave@source.example,approvals@target.example,ext@external.example");

        assertThat(fromSnapshot.path("recipients")).isEqualTo(fromFile.path("recipients"));
        assertThat(recipient(fromSnapshot, "dave@source.example").path("calendarCopy").asBoolean()).isTrue();
        assertThat(recipient(fromSnapshot, "approvals@target.example").path("exempt").path("reason").asText()).isEqualTo("recipient");
    }

    @Test
    void rejectsABadAddressInOneLineWithoutStackTrace() {
        int code = run("--directory", directory.toString(), "--from", "alice.source.example", "--to", "ext@external.example");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("t2t-rewrite explain: --from: not an address: 'alice.source.example'"
            + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void showsTheStackTraceWithVerbose() {
        int code = run("--verbose", "--directory", directory.toString(), "--from", "alice.source.example", "--to", "x@y.example");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("t2t-rewrite explain: --from: not an address").contains("\tat org.t2trewrite.");
    }

    @Test
    void rejectsAnInvalidDirectoryAtItsLine() throws Exception {
        Files.writeString(directory, DIRECTORY.replace("\"senders\"", "\"sender\""));

        int code = run("--directory", directory.toString(), "--from", "alice@source.example", "--to", "x@y.example");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("t2t-rewrite explain: " + directory + ":10:19: exceptions: unknown key \"sender\"");
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void rejectsConflictingOrMissingInputs() throws Exception {
        Path eml = Files.writeString(folder.resolve("m.eml"), "From: a@x.example\r\nTo: b@y.example\r\n\r\n", StandardCharsets.UTF_8);
        String[][] cases = {
            {"--from", "a@x.example", "--to", "b@y.example"},
            {"--directory", directory.toString(), "--graph-snapshot", directory.toString(), "--from", "a@x.example", "--to", "b@y.example"},
            {"--directory", directory.toString(), "--eml", eml.toString(), "--from", "a@x.example"},
            {"--directory", directory.toString(), "--from", "a@x.example"},
            {"--directory", directory.toString(), "--from", "a@x.example", "--to", "b@y.example", "--route-source", "a"},
            {"--directory", directory.toString(), "--from", "a@x.example", "--to", "b@y.example", "--gateway", "g:25", "--capture", "c"},
            {"--directory", directory.toString(), "--from", "a@x.example", "--to", "b@y.example", "--no-such-option"},
        };
        for (String[] args : cases) {
            err.getBuffer().setLength(0);
            assertThat(run(args)).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString().lines()).as(err.toString()).hasSize(1);
        }
    }
}
