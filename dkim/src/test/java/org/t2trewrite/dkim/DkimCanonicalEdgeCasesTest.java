package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Tenants;
import org.t2trewrite.glue.PinnedSnapshots;
import org.t2trewrite.glue.RewriteAttributes;

import com.sun.mail.smtp.SMTPOutputStream;

/**
 * Canonicalisation edge cases (RFC 6376 §3.4), each signed by {@link DkimSignRewritten} with an
 * RSA and an Ed25519 key, sent through javax.mail's SMTP DATA stream as RemoteDelivery sends it,
 * and verified as the next hop receives it: by the in-JVM verifier (both keys), jDKIM 0.3 (RSA)
 * and python3-dkim (both keys, when installed).
 */
class DkimCanonicalEdgeCasesTest {
    private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
    private static final Directory DIRECTORY = () -> DirectorySnapshot.of(
        Tenants.of(Set.of(Domain.of("source.example")), Set.of(Domain.of("target.example"))), List.of(), NOW);
    private static final String HEADER = ""
        + "From: ann@target.example\r\n"
        + "To: bob@partner.example\r\n"
        + "Subject: Edge case\r\n"
        + "Date: Mon, 5 Jan 2026 10:00:00 +0000\r\n"
        + "Message-ID: <edge@source.example>\r\n";
    private static final List<String> BOTH_PASS = List.of(
        "d=target.example s=rsa1 a=rsa-sha256 pass",
        "d=target.example s=ed1 a=ed25519-sha256 pass");
    private static final List<String> BOTH_FAIL = List.of(
        "d=target.example s=rsa1 a=rsa-sha256 fail",
        "d=target.example s=ed1 a=ed25519-sha256 fail");

    @TempDir
    Path keyFolder;
    @TempDir
    Path work;

    private Verifiers verifiers;

    @BeforeEach
    void keys() {
        TestKeys.write(keyFolder, "rsa1._domainkey.target.example.pem", TestKeys.pkcs1(TestKeys.RSA_2048));
        TestKeys.write(keyFolder, "ed1._domainkey.target.example.pem", TestKeys.pkcs8(TestKeys.ED25519));
        verifiers = new Verifiers()
            .publish("rsa1", "target.example", TestKeys.rsaRecord(TestKeys.RSA_2048))
            .publish("ed1", "target.example", TestKeys.ed25519Record(TestKeys.ED25519));
    }

    private Mail signed(byte[] message, String... parameters) throws Exception {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("DkimSignRewritten")
            .setProperty("keyFolder", keyFolder.toString());
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        DkimSignRewritten mailet = new DkimSignRewritten(new PinnedSnapshots(DIRECTORY), new KeyFolders(),
            new RecordingMetricFactory(), Clock.fixed(NOW, ZoneOffset.UTC));
        mailet.init(config.build());
        Mail mail = FakeMail.builder().name("mail1").mimeMessage(TestMessages.mime(message))
            .attribute(new Attribute(RewriteAttributes.SIGNING_DOMAIN, AttributeValue.of("target.example")))
            .state(Mail.DEFAULT)
            .build();
        mailet.service(mail);
        return mail;
    }

    /**
     * The message as the next hop stores it: written to javax.mail's SMTP DATA stream as
     * SMTPTransport.sendMessage writes it (bare CR and LF become CRLF, lines starting with a dot
     * get another, a last line without CRLF gets one), then un-dot-stuffed as the receiver does
     * (RFC 5321 §4.5.2).
     */
    private static byte[] received(Mail mail) throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        SMTPOutputStream data = new SMTPOutputStream(wire);
        mail.getMessage().writeTo(data, new String[] {"Bcc", "Content-Length"});
        data.ensureAtBOL();
        byte[] sent = wire.toByteArray();
        ByteArrayOutputStream stored = new ByteArrayOutputStream(sent.length);
        boolean lineStart = true;
        for (int i = 0; i < sent.length; i++) {
            if (!(lineStart && sent[i] == '.')) {
                stored.write(sent[i]);
            }
            lineStart = sent[i] == '\n';
        }
        return stored.toByteArray();
    }

    private static byte[] body(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        return text.substring(text.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<String> tagValues(byte[] message, String tag) {
        List<String> values = new ArrayList<>();
        String unfolded = new String(message, StandardCharsets.ISO_8859_1).replaceAll("\r\n[ \t]+", " ");
        Matcher matcher = Pattern.compile("(?m)^DKIM-Signature:.*?[; ]" + tag + "=([^;]*);").matcher(unfolded);
        while (matcher.find()) {
            values.add(matcher.group(1).replaceAll("\\s", ""));
        }
        return values;
    }

    private void assertJvmAndPythonPass(byte[] message) {
        JvmVerifier.Results jvm = verifiers.jvm(message);
        assertThat(jvm.lines()).as(jvm.toString()).containsExactlyElementsOf(BOTH_PASS);
        assumeTrue(Verifiers.pythonDkimInstalled(), "Debian's python3-dkim is not installed; the JVM verifier checked both keys");
        Verifiers.PythonResult python = verifiers.python(message, work);
        assertThat(python.lines()).as(python.toString()).containsExactlyElementsOf(BOTH_PASS);
    }

    private void assertAllFail(byte[] message) {
        JvmVerifier.Results jvm = verifiers.jvm(message);
        assertThat(jvm.lines()).as(jvm.toString()).containsExactlyElementsOf(BOTH_FAIL);
        assertThatThrownBy(() -> verifiers.jdkim(message)).isInstanceOf(FailException.class);
        assumeTrue(Verifiers.pythonDkimInstalled(), "Debian's python3-dkim is not installed; the JVM verifier checked both keys");
        Verifiers.PythonResult python = verifiers.python(message, work);
        assertThat(python.lines()).as(python.toString()).contains(BOTH_FAIL.toArray(new String[0]));
    }

    static Stream<Arguments> bodies() {
        return Stream.of(
            Arguments.of("trailingWhitespaceAndTrailingEmptyLinesWithWhitespace", "abc \t\r\n \r\n\r\n", "abc \t\r\n \r\n\r\n"),
            Arguments.of("whitespaceRunsInsideLines", "a  b\t\tc \t d\r\n\t  indented\r\n", "a  b\t\tc \t d\r\n\t  indented\r\n"),
            Arguments.of("linesStartingWithADot", ".\r\n..two\r\n.one\r\n", ".\r\n..two\r\n.one\r\n"),
            Arguments.of("noFinalCrlf", "Hello Bob,\r\nno line end", "Hello Bob,\r\nno line end\r\n"),
            Arguments.of("noFinalCrlfAfterTrailingWhitespace", "Hello Bob,\r\nthanks  \t", "Hello Bob,\r\nthanks  \t\r\n"),
            Arguments.of("bareLineFeeds", "Hello\nBob \n\n", "Hello\r\nBob \r\n\r\n"),
            Arguments.of("bareCarriageReturns", "Hello\rBob \r\r", "Hello\r\nBob \r\n\r\n"),
            Arguments.of("mixedLineEndings", "a\r\r\nb\n\rc\r\n", "a\r\n\r\nb\r\n\r\nc\r\n"));
    }

    /**
     * What the SMTP client sends is what was signed: the installed body is already the bytes on
     * the wire (so no later hop's own normalisation changes them), and the receiver verifies.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void bodyIsSignedAsTheSmtpClientSendsIt(String name, String body, String onTheWire) throws Exception {
        Mail mail = signed((HEADER + "\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));

        byte[] received = received(mail);

        assertThat(TestMessages.text(body(received))).isEqualTo(onTheWire);
        assertThat(verifiers.jdkim(received)).hasSize(1);
        assertThat(verifiers.jvm(received).lines()).containsExactlyElementsOf(BOTH_PASS);
        assertThat(TestMessages.text(body(TestMessages.bytes(mail.getMessage())))).as("installed body").isEqualTo(onTheWire);
        assertJvmAndPythonPass(received);
    }

    @Test
    void wholeMessageWithBareLineFeedsIsSignedAsTheSmtpClientSendsIt() throws Exception {
        String unix = (HEADER + "Comments: folded\r\n\tover two lines\r\n\r\nHello\r\nBob\r\n").replace("\r\n", "\n");

        byte[] received = received(signed(unix.getBytes(StandardCharsets.ISO_8859_1)));

        assertThat(TestMessages.text(received)).endsWith(HEADER + "Comments: folded\r\n\tover two lines\r\n\r\nHello\r\nBob\r\n")
            .doesNotContain("\n\n");
        assertThat(verifiers.jdkim(received)).hasSize(1);
        assertJvmAndPythonPass(received);
    }

    static Stream<Arguments> emptyCanonicalBodies() {
        return Stream.of(
            Arguments.of("emptyBody", HEADER + "\r\n"),
            Arguments.of("onlyEmptyLines", HEADER + "\r\n\r\n\r\n\r\n"),
            Arguments.of("onlyWhitespaceLines", HEADER + "\r\n \t\r\n\t\r\n"),
            // No separator: javax.mail takes every line as header and the body as empty;
            // MailMessages installs it with the empty line, so the header is signed with bh= of
            // nothing and the receiver gets header, empty line, no body.
            Arguments.of("headerOnlyWithoutSeparator", HEADER));
    }

    /**
     * RFC 6376 §3.4.4: a body that is empty or only empty lines is the empty string in relaxed
     * form, and bh= is SHA-256 of nothing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyCanonicalBodies")
    void emptyCanonicalBodyIsSignedWithTheHashOfNothing(String name, String message) throws Exception {
        Mail mail = signed(message.getBytes(StandardCharsets.ISO_8859_1));

        byte[] received = received(mail);

        assertThat(tagValues(received, "bh")).containsExactly(RelaxedCanonicalizationTest.EMPTY_BODY_HASH,
            RelaxedCanonicalizationTest.EMPTY_BODY_HASH);
        assertThat(TestMessages.text(received)).contains(HEADER).endsWith("\r\n\r\n" + TestMessages.text(body(received)));
        assertJvmAndPythonPass(received);
    }

    /**
     * The counterpart of the test above, and an interoperability hazard: jDKIM 0.3 (James
     * 3.8.1's DKIMVerify) canonicalises an empty body to one CRLF, so it rejects the correct
     * signature that python3-dkim and the JVM verifier accept. When James ships a fixed jDKIM,
     * this test fails and can go.
     */
    @Test
    void jdkim03RejectsTheCorrectSignatureOfAnEmptyBody() throws Exception {
        // RSA only: with an Ed25519 signature too, jDKIM (which has no Ed25519) reports only a count.
        Files.delete(keyFolder.resolve("ed1._domainkey.target.example.pem"));
        byte[] received = received(signed((HEADER + "\r\n").getBytes(StandardCharsets.ISO_8859_1)));

        assertThatThrownBy(() -> verifiers.jdkim(received)).isInstanceOf(FailException.class)
            .hasMessageContaining("bodyhash");
    }

    @Test
    void headerOnlyMessageGetsTheSeparatorAndNothingElse() throws Exception {
        Mail mail = signed(HEADER.getBytes(StandardCharsets.ISO_8859_1));

        String received = TestMessages.text(received(mail));

        assertThat(received).startsWith("DKIM-Signature: ").endsWith("\r\n" + HEADER + "\r\n");
    }

    /** Names in any case, folding with TABs, an empty and a whitespace-only value, repeated fields. */
    private static final String AWKWARD_HEADER = ""
        + "FROM: ann@target.example\r\n"
        + "to: bob@partner.example\r\n"
        + "Subject: Quarterly \t\r\n"
        + "\t\tfigures\r\n"
        + " \tand   more \r\n"
        + "Cc:\r\n"
        + "Reply-To: \t \r\n"
        + "Comments: first\r\n"
        + "TO: carol@partner.example\r\n"
        + "comments:   second\r\n"
        + "COMMENTS: third\t\r\n"
        + "Date: Mon, 5 Jan 2026 10:00:00 +0000\r\n"
        + "mEsSaGe-Id: <awkward@source.example>\r\n"
        + "\r\n"
        + "Hello\r\n";
    private static final String[] AWKWARD_SIGNING = {
        "signedHeaders", "From:To:Subject:Cc:Reply-To:Comments:Date:Message-ID:X-Absent:Sender",
        "overSignedHeaders", "From,Subject,X-Absent"};

    @Test
    void awkwardHeaderFieldsVerify() throws Exception {
        byte[] received = received(signed(AWKWARD_HEADER.getBytes(StandardCharsets.ISO_8859_1), AWKWARD_SIGNING));

        // Sender is listed but absent, so not signed; X-Absent is over-signed, so signed as absent.
        assertThat(tagValues(received, "h")).containsOnly(
            "from:from:to:to:subject:subject:cc:reply-to:comments:comments:comments:date:message-id:x-absent");
        assertThat(verifiers.jdkim(received)).hasSize(1);
        assertJvmAndPythonPass(received);
    }

    static Stream<Arguments> headerChangesAfterSigning() {
        return Stream.of(
            // §5.4.2: instances are signed bottom-up, so their order is covered.
            Arguments.of("repeatedFieldsSwapped", "to: bob@partner.example\r\n", "TO: carol@partner.example\r\n", true),
            Arguments.of("repeatedFieldDropped", "comments:   second\r\n", "", false),
            // §8.15: the over-signed From and Subject, and the absent X-Absent, must not be added.
            Arguments.of("secondFromAdded", "Date: ", "From: mallory@evil.example\r\nDate: ", false),
            Arguments.of("secondSubjectAdded", "Date: ", "Subject: urgent\r\nDate: ", false),
            Arguments.of("overSignedAbsentFieldAdded", "Date: ", "X-Absent: now present\r\nDate: ", false),
            Arguments.of("emptyValueFilledIn", "Cc:\r\n", "Cc: eve@evil.example\r\n", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headerChangesAfterSigning")
    void signedHeaderChangeFailsEveryVerifier(String name, String from, String to, boolean swap) throws Exception {
        String received = TestMessages.text(received(signed(AWKWARD_HEADER.getBytes(StandardCharsets.ISO_8859_1), AWKWARD_SIGNING)));
        String changed = swap
            ? received.replace(from, "\u0000").replace(to, from).replace("\u0000", to)
            : received.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
        assertThat(changed).isNotEqualTo(received);

        assertAllFail(changed.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void changeOfWhitespaceOnlyStillVerifies() throws Exception {
        String received = TestMessages.text(received(signed(AWKWARD_HEADER.getBytes(StandardCharsets.ISO_8859_1), AWKWARD_SIGNING)));
        // Relaxed is meant to survive this: a hop refolding a field and padding the body's lines.
        String refolded = received.replace("Subject: Quarterly \t\r\n\t\tfigures\r\n \tand   more \r\n", "subject:Quarterly figures and more\r\n")
            .replace("Hello\r\n", "Hello \t \r\n\r\n");
        assertThat(refolded).isNotEqualTo(received);

        byte[] message = refolded.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verifiers.jdkim(message)).hasSize(1);
        assertJvmAndPythonPass(message);
    }
}
