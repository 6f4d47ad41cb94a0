package org.t2trewrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.Domain;
import org.t2trewrite.dkim.DkimAlgorithm;
import org.t2trewrite.dkim.DkimKey;
import org.t2trewrite.dkim.KeyName;
import org.t2trewrite.dkim.PemKeys;
import org.t2trewrite.dkim.Selector;

class DkimKeygenCommandTest {
    @TempDir
    Path folder;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    /** The TXT strings of the printed zone line, concatenated as a resolver would. */
    private static String publishedRecord(String output, List<String> strings) {
        Matcher line = Pattern.compile("(?m)^(\\S+)\\. IN TXT \\((.*)\\)$").matcher(output);
        assertThat(line.find()).as(output).isTrue();
        Matcher string = Pattern.compile("\"([^\"]*)\"").matcher(line.group(2));
        StringBuilder record = new StringBuilder();
        while (string.find()) {
            strings.add(string.group(1));
            record.append(string.group(1));
        }
        return record.toString();
    }

    static Stream<Arguments> algorithms() {
        return Stream.of(
            Arguments.of("rsa", new String[] {"--algorithm", "rsa"}, DkimAlgorithm.RSA_SHA256, 2048),
            Arguments.of("rsaDefault", new String[] {}, DkimAlgorithm.RSA_SHA256, 2048),
            Arguments.of("rsa4096", new String[] {"--bits", "4096"}, DkimAlgorithm.RSA_SHA256, 4096),
            Arguments.of("ed25519", new String[] {"--algorithm", "ed25519"}, DkimAlgorithm.ED25519_SHA256, 256));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("algorithms")
    void writesAKeyTheRelayReadsAndPrintsItsRecord(String name, String[] extra, DkimAlgorithm algorithm, int bits) throws Exception {
        String[] args = Stream.concat(Stream.of("dkim-keygen", "--domain", "Target.Example", "--selector", "s2026",
            "--out", folder.toString()), Stream.of(extra)).toArray(String[]::new);

        int code = run(args);

        assertThat(code).as(err.toString()).isZero();
        Path file = folder.resolve("s2026._domainkey.target.example.pem");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        DkimKey key = PemKeys.read(KeyName.of(Domain.of("target.example"), Selector.of("s2026")), file.toString(),
            new StringReader(Files.readString(file)));
        assertThat(key.algorithm()).isEqualTo(algorithm);
        assertThat(key.bits()).isEqualTo(bits);
        List<String> strings = new java.util.ArrayList<>();
        assertThat(publishedRecord(out.toString(), strings)).isEqualTo(key.publicKeyRecord());
        assertThat(out.toString()).contains("s2026._domainkey.target.example. IN TXT (");
        assertThat(strings).allSatisfy(string -> assertThat(string.length()).isLessThanOrEqualTo(255));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void rsa4096RecordIsSplitInto255ByteStrings() {
        run("dkim-keygen", "--domain", "target.example", "--selector", "big", "--bits", "4096", "--out", folder.toString());

        List<String> strings = new java.util.ArrayList<>();
        String record = publishedRecord(out.toString(), strings);

        assertThat(record.length()).isGreaterThan(255);
        assertThat(strings).hasSizeGreaterThan(2);
        assertThat(strings.subList(0, strings.size() - 1)).allSatisfy(string -> assertThat(string).hasSize(255));
    }

    static Stream<Arguments> failures() {
        return Stream.of(
            Arguments.of("badSelector", new String[] {"--selector", "bad_sel"}, 1, "invalid selector 'bad_sel'"),
            Arguments.of("smallRsa", new String[] {"--bits", "1024"}, 1, "--bits must be between 2048 and 4096, not 1024"),
            Arguments.of("bitsForEd25519", new String[] {"--algorithm", "ed25519", "--bits", "2048"}, 1, "--bits applies to rsa only"),
            Arguments.of("unknownAlgorithm", new String[] {"--algorithm", "dsa"}, 2, "--algorithm"),
            Arguments.of("unknownOption", new String[] {"--colour"}, 2, "--colour"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void reportsErrorsOnOneLine(String name, String[] extra, int expectedCode, String message) {
        List<String> args = new java.util.ArrayList<>(List.of("dkim-keygen", "--domain", "target.example", "--out", folder.toString()));
        if (!List.of(extra).contains("--selector")) {
            args.addAll(List.of("--selector", "s1"));
        }
        args.addAll(List.of(extra));

        int code = run(args.toArray(String[]::new));

        assertThat(code).isEqualTo(expectedCode);
        assertThat(err.toString()).contains(message);
        assertThat(err.toString().trim().lines()).hasSize(1);
        assertThat(folder.toFile().list()).isEmpty();
    }

    @Test
    void neverOverwritesAKey() throws Exception {
        Path existing = Files.writeString(folder.resolve("s1._domainkey.target.example.pem"), "old key");

        int code = run("dkim-keygen", "--domain", "target.example", "--selector", "s1", "--out", folder.toString());

        assertThat(code).isEqualTo(1);
        assertThat(Files.readString(existing)).isEqualTo("old key");
        assertThat(err.toString()).contains("exists; choose a new selector");
    }

    @Test
    void missingSubcommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("a subcommand is required");
    }
}
