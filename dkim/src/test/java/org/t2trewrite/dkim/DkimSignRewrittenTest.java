package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.Converter7Bit;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
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
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.core.directory.Tenants;
import org.t2trewrite.glue.RewriteAttributes;
import org.t2trewrite.glue.PinnedSnapshots;

class DkimSignRewrittenTest {
    private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
    private static final Directory DIRECTORY = () -> DirectorySnapshot.of(
        Tenants.of(Set.of(Domain.of("source.example")), Set.of(Domain.of("target.example"))), List.of(), NOW);

    @TempDir
    Path keyFolder;
    @TempDir
    Path work;

    private Verifiers verifiers;
    private final KeyFolders keyFolders = new KeyFolders();
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();

    @BeforeEach
    void publishKeys() {
        verifiers = new Verifiers()
            .publish("rsa1", "target.example", TestKeys.rsaRecord(TestKeys.RSA_2048))
            .publish("ed1", "target.example", TestKeys.ed25519Record(TestKeys.ED25519));
    }

    private void writeRsaKey() {
        TestKeys.write(keyFolder, "rsa1._domainkey.target.example.pem", TestKeys.pkcs1(TestKeys.RSA_2048));
    }

    private void writeEd25519Key() {
        TestKeys.write(keyFolder, "ed1._domainkey.target.example.pem", TestKeys.pkcs8(TestKeys.ED25519));
    }

    private DkimSignRewritten mailet(String... parameters) throws Exception {
        return mailet(Clock.fixed(NOW, ZoneOffset.UTC), parameters);
    }

    private DkimSignRewritten mailet(Clock clock, String... parameters) throws Exception {
        return mailet(clock, Accp::provider, parameters);
    }

    private DkimSignRewritten mailet(Clock clock, Supplier<Provider> accpCandidate, String... parameters) throws Exception {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("DkimSignRewritten")
            .setProperty("keyFolder", keyFolder.toString());
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        DkimSignRewritten mailet = new DkimSignRewritten(new PinnedSnapshots(DIRECTORY), keyFolders, metrics, clock,
            accpCandidate);
        mailet.init(config.build());
        return mailet;
    }

    private static final Supplier<Provider> NO_ACCP = () -> {
        throw new IllegalStateException("ACCP's native library did not load (simulated)");
    };

    private static Mail marked(String message, String domain) throws Exception {
        return FakeMail.builder().name("mail1").mimeMessage(TestMessages.mime(message))
            .attribute(new Attribute(RewriteAttributes.SIGNING_DOMAIN, AttributeValue.of(domain)))
            .state(Mail.DEFAULT)
            .build();
    }

    private static String signed(Mail mail) throws Exception {
        return TestMessages.text(TestMessages.bytes(mail.getMessage()));
    }

    private static List<String> signatureFields(String message) {
        List<String> fields = new java.util.ArrayList<>();
        Matcher matcher = Pattern.compile("(?m)^DKIM-Signature:(.*(?:\r\n[ \t].*)*)").matcher(message);
        while (matcher.find()) {
            fields.add(matcher.group(1));
        }
        return fields;
    }

    private static String headerSection(String message) {
        return message.substring(0, message.indexOf("\r\n\r\n") + 2);
    }

    @Test
    void rsaSignatureOfMarkedMailVerifiesWithJdkim() throws Exception {
        writeRsaKey();
        Mail mail = marked(TestMessages.SIMPLE, "target.example");

        mailet().service(mail);

        List<SignatureRecord> verified = verifiers.jdkim(TestMessages.bytes(mail.getMessage()));
        assertThat(verified).hasSize(1);
        assertThat(verified.get(0).getDToken().toString()).isEqualTo("target.example");
        assertThat(verified.get(0).getSelector().toString()).isEqualTo("rsa1");
        assertThat(mail.getState()).isEqualTo(Mail.DEFAULT);
    }

    @Test
    void rsaAndEd25519SignaturesVerifyInTheJvmAndWithPythonDkim() throws Exception {
        writeRsaKey();
        writeEd25519Key();
        Mail mail = marked(TestMessages.SIMPLE, "target.example");

        mailet().service(mail);

        assertThat(verifiers.jvm(TestMessages.bytes(mail.getMessage())).lines()).containsExactly(
            "d=target.example s=rsa1 a=rsa-sha256 pass",
            "d=target.example s=ed1 a=ed25519-sha256 pass");
        assumeTrue(Verifiers.pythonDkimInstalled(), "Debian's python3-dkim is not installed (apt-get install python3-dkim)");
        Verifiers.PythonResult result = verifiers.python(TestMessages.bytes(mail.getMessage()), work);
        assertThat(result.allPass()).as(result.toString()).isTrue();
        assertThat(result.lines()).containsExactly(
            "d=target.example s=rsa1 a=rsa-sha256 pass",
            "d=target.example s=ed1 a=ed25519-sha256 pass");
    }

    @Test
    void signsOnlyWithTheKeysOfTheMarkedDomain() throws Exception {
        writeRsaKey();
        TestKeys.write(keyFolder, "rsa1._domainkey.source.example.pem", TestKeys.pkcs8(TestKeys.rsa(2048)));
        Mail mail = marked(TestMessages.SIMPLE, "TARGET.example");

        mailet().service(mail);

        assertThat(signatureFields(signed(mail))).singleElement().asString().contains("d=target.example;");
    }

    @Test
    void countsEachSignedMailAndEachSignatureByAlgorithm() throws Exception {
        writeRsaKey();
        writeEd25519Key();
        DkimSignRewritten mailet = mailet();

        mailet.service(marked(TestMessages.SIMPLE, "target.example"));
        mailet.service(marked(TestMessages.SIMPLE, "target.example"));

        assertThat(metrics.countFor("t2t_mail_signed")).isEqualTo(2);
        assertThat(metrics.countFor("t2t_dkim_signatures_rsa_sha256")).isEqualTo(2);
        assertThat(metrics.countFor("t2t_dkim_signatures_ed25519_sha256")).isEqualTo(2);
        assertThat(metrics.countFor("t2t_mail_missing_dkim_key")).isZero();
    }

    @Test
    void countsAMarkedMailWithoutAKeyAndDoesNotCountItSigned() throws Exception {
        writeRsaKey();

        mailet().service(marked(TestMessages.SIMPLE, "other.example"));

        assertThat(metrics.countFor("t2t_mail_missing_dkim_key")).isEqualTo(1);
        assertThat(metrics.countFor("t2t_mail_signed")).isZero();
    }

    @Test
    void listsItsKeyFolderWithWhereMailWithoutAKeyGoes() throws Exception {
        writeRsaKey();

        mailet("missingKeyProcessor", "dkim-missing");
        mailet("onMissingKey", "send-unsigned");

        assertThat(keyFolders.inUse()).hasSize(2);
        assertThat(keyFolders.inUse().get(0).folder().folder()).isEqualTo(keyFolder);
        assertThat(keyFolders.inUse().get(0).mailetName()).isEqualTo("DkimSignRewritten");
        assertThat(keyFolders.inUse().get(0).missingKeyProcessor()).contains("dkim-missing");
        assertThat(keyFolders.inUse().get(1).missingKeyProcessor()).isEmpty();
    }

    @Test
    void changedBodyByteFailsBothVerifiers() throws Exception {
        writeRsaKey();
        writeEd25519Key();
        Mail mail = marked(TestMessages.SIMPLE, "target.example");
        mailet().service(mail);
        String tampered = signed(mail).replace("figures are attached", "figures are attacked");

        assertThatThrownBy(() -> verifiers.jdkim(tampered.getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(FailException.class);
        assertThat(verifiers.jvm(tampered.getBytes(StandardCharsets.UTF_8)).lines())
            .containsExactly("d=target.example s=rsa1 a=rsa-sha256 fail", "d=target.example s=ed1 a=ed25519-sha256 fail");
        assumeTrue(Verifiers.pythonDkimInstalled(), "Debian's python3-dkim is not installed");
        Verifiers.PythonResult result = verifiers.python(tampered.getBytes(StandardCharsets.UTF_8), work);
        assertThat(result.allPass()).isFalse();
        assertThat(result.lines()).contains("d=target.example s=rsa1 a=rsa-sha256 fail", "d=target.example s=ed1 a=ed25519-sha256 fail");
    }

    /** Flips one bit of one body byte ('f' to 'g'): the in-JVM check needs no python3-dkim. */
    @Test
    void flippedBodyByteFailsTheJvmVerifierForBothAlgorithms() throws Exception {
        writeRsaKey();
        writeEd25519Key();
        Mail mail = marked(TestMessages.SIMPLE, "target.example");
        mailet().service(mail);
        byte[] sent = TestMessages.bytes(mail.getMessage());
        int position = TestMessages.text(sent).indexOf("the figures") + 4;
        byte[] flipped = sent.clone();
        flipped[position] ^= 0x01;

        JvmVerifier.Results result = verifiers.jvm(flipped);

        assertThat(verifiers.jvm(sent).allPass()).isTrue();
        assertThat(result.lines()).containsExactly("d=target.example s=rsa1 a=rsa-sha256 fail", "d=target.example s=ed1 a=ed25519-sha256 fail");
        assertThat(result.toString()).contains("body hash mismatch");
    }

    /** The body hash still matches here, so this reaches the RSA and Ed25519 signature checks themselves. */
    @Test
    void changedSignedHeaderFailsTheJvmVerifierForBothAlgorithms() throws Exception {
        writeRsaKey();
        writeEd25519Key();
        Mail mail = marked(TestMessages.SIMPLE, "target.example");
        mailet().service(mail);
        String tampered = signed(mail).replace("Subject: Quarterly figures", "Subject: Quarterly figurez");

        JvmVerifier.Results result = verifiers.jvm(tampered.getBytes(StandardCharsets.UTF_8));

        assertThat(result.lines()).containsExactly("d=target.example s=rsa1 a=rsa-sha256 fail", "d=target.example s=ed1 a=ed25519-sha256 fail");
        assertThat(result.toString()).contains("rsa-sha256 signature does not verify", "ed25519-sha256 signature does not verify");
    }

    @Test
    void unmarkedMailIsUntouched() throws Exception {
        writeRsaKey();
        MimeMessage message = TestMessages.mime(TestMessages.SIMPLE);
        Mail mail = FakeMail.builder().name("mail1").mimeMessage(message).state(Mail.DEFAULT).build();

        mailet().service(mail);

        assertThat(mail.getMessage()).isSameAs(message);
        assertThat(signed(mail)).isEqualTo(TestMessages.SIMPLE);
    }

    @Test
    void runningTwiceLeavesExactlyOneSetOfSignatures() throws Exception {
        writeRsaKey();
        writeEd25519Key();
        DkimSignRewritten mailet = mailet();
        Mail mail = marked(TestMessages.SIMPLE, "target.example");
        mailet.service(mail);
        String once = signed(mail);

        mailet.service(mail);

        assertThat(signed(mail)).isEqualTo(once);
        assertThat(signatureFields(signed(mail))).hasSize(2);
        assertThat(verifiers.jdkim(TestMessages.bytes(mail.getMessage()))).hasSize(1);
    }

    @Test
    void runningTwiceKeepsOneSetEvenWhenTenantSignaturesAreKept() throws Exception {
        writeRsaKey();
        DkimSignRewritten mailet = mailet("keepTenantSignatures", "true");
        Mail mail = marked(TestMessages.SIMPLE, "target.example");

        mailet.service(mail);
        mailet.service(mail);

        assertThat(signatureFields(signed(mail))).hasSize(1);
    }

    @Test
    void changesNothingButPrependingTheSignatureForA7BitMessage() throws Exception {
        writeRsaKey();
        Mail mail = marked(TestMessages.SIMPLE, "target.example");

        mailet().service(mail);

        String result = signed(mail);
        assertThat(result).startsWith("DKIM-Signature: ");
        assertThat(result.substring(result.indexOf("\r\nReceived: ") + 2)).isEqualTo(TestMessages.SIMPLE);
    }

    static Stream<Arguments> existingSignatures() {
        return Stream.of(
            Arguments.of("sourceTenantSignatureIsRemoved", "d=source.example; s=selector1", false, false),
            Arguments.of("targetTenantSignatureIsRemoved", "d=target.example; s=selector2", false, false),
            Arguments.of("tenantSubdomainSignatureIsRemoved", "d=mail.source.example; s=selector1", false, false),
            Arguments.of("mailingListSignatureIsKept", "d=lists.partner.example; s=list", false, true),
            Arguments.of("lookalikeDomainSignatureIsKept", "d=notsource.example; s=selector1", false, true),
            Arguments.of("tenantSignatureIsKeptOnRequest", "d=source.example; s=selector1", true, true),
            Arguments.of("malformedSignatureIsKept", "d=; s=", false, true),
            Arguments.of("ourOwnEarlierSignatureIsAlwaysReplaced", "d=target.example; s=rsa1", true, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("existingSignatures")
    void existingSignatureHandling(String name, String tags, boolean keepTenantSignatures, boolean kept) throws Exception {
        writeRsaKey();
        String old = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; " + tags + ";\r\n\th=from:to; bh=AAAA; b=BBBB\r\n";
        Mail mail = marked(old + TestMessages.SIMPLE, "target.example");

        mailet("keepTenantSignatures", String.valueOf(keepTenantSignatures)).service(mail);

        assertThat(signed(mail).contains(old)).isEqualTo(kept);
        assertThat(signatureFields(signed(mail))).hasSize(kept ? 2 : 1);
        assertThat(verifiers.jdkim(TestMessages.bytes(mail.getMessage())).stream()
            .map(record -> record.getSelector().toString())).contains("rsa1");
    }

    @Test
    void overSignsFromAndListsOnlyPresentHeaders() throws Exception {
        writeRsaKey();
        Mail mail = marked(TestMessages.SIMPLE, "target.example");

        mailet().service(mail);

        String field = signatureFields(signed(mail)).get(0).replaceAll("\\s", "");
        assertThat(field).contains("h=from:from:subject:date:message-id:to:mime-version:content-type;");
    }

    @Test
    void configuredSignedHeadersAreSignedInEveryInstance() throws Exception {
        writeRsaKey();
        String twoTo = TestMessages.SIMPLE.replace("To: bob@partner.example\r\n", "To: bob@partner.example\r\nTo: eve@partner.example\r\n");
        Mail mail = marked(twoTo, "target.example");

        mailet("signedHeaders", "From, To, Subject", "overSignedHeaders", "From,Subject").service(mail);

        assertThat(signatureFields(signed(mail)).get(0).replaceAll("\\s", "")).contains("h=from:from:to:to:subject:subject;");
        assertThat(verifiers.jdkim(TestMessages.bytes(mail.getMessage()))).hasSize(1);
    }

    @Test
    void missingKeySendsMailToErrorProcessorByDefault() throws Exception {
        writeRsaKey();
        Mail mail = marked(TestMessages.SIMPLE, "other.example");

        mailet().service(mail);

        assertThat(mail.getState()).isEqualTo("error");
        assertThat(signed(mail)).isEqualTo(TestMessages.SIMPLE);
    }

    @Test
    void missingKeySendsMailToConfiguredProcessor() throws Exception {
        writeRsaKey();
        Mail mail = marked(TestMessages.SIMPLE, "other.example");

        mailet("missingKeyProcessor", "dkim-missing").service(mail);

        assertThat(mail.getState()).isEqualTo("dkim-missing");
    }

    @Test
    void missingKeyLetsMailGoUnsignedWhenAllowed() throws Exception {
        writeRsaKey();
        Mail mail = marked(TestMessages.SIMPLE, "other.example");

        mailet("onMissingKey", "send-unsigned").service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(signed(mail)).isEqualTo(TestMessages.SIMPLE);
    }

    @Test
    void directoryOutageFailsTheMailRatherThanKeepingBrokenSignatures() throws Exception {
        writeRsaKey();
        FakeMailetConfig config = FakeMailetConfig.builder().mailetName("DkimSignRewritten")
            .setProperty("keyFolder", keyFolder.toString()).build();
        DkimSignRewritten mailet = new DkimSignRewritten(new PinnedSnapshots(() -> {
            throw new DirectoryUnavailableException("no snapshot yet");
        }), keyFolders, metrics, Clock.fixed(NOW, ZoneOffset.UTC));
        mailet.init(config);
        Mail mail = marked("DKIM-Signature: v=1; d=source.example; s=s; b=x\r\n" + TestMessages.SIMPLE, "target.example");

        assertThatThrownBy(() -> mailet.service(mail)).hasMessageContaining("directory unavailable");
    }

    @Test
    void eightBitInvitationIsSignedAsItTravelsAndVerifies() throws Exception {
        writeRsaKey();
        writeEd25519Key();
        Mail mail = marked(TestMessages.eightBitInvitation(), "target.example");

        mailet().service(mail);

        byte[] sent = TestMessages.bytes(mail.getMessage());
        assertThat(SevenBitConverter.isSevenBit(java.util.Arrays.copyOfRange(sent, headerSection(TestMessages.text(sent)).length(), sent.length)))
            .isTrue();
        assertThat(TestMessages.text(sent)).contains("Content-Type: text/calendar; charset=utf-8; method=REQUEST\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n");
        assertThat(verifiers.jdkim(sent)).hasSize(1);
        assertThat(verifiers.jvm(sent).allPass()).as(verifiers.jvm(sent).toString()).isTrue();
        assumeTrue(Verifiers.pythonDkimInstalled(), "Debian's python3-dkim is not installed");
        assertThat(verifiers.python(sent, work).allPass()).isTrue();
    }

    /**
     * Replays what RemoteDelivery does for a peer without 8BITMIME (James 3.8.1
     * MailDelivrerToHost.adaptToTransport): the queued message is a MimeMessageWrapper and
     * Converter7Bit.convertTo7Bit runs on it before the SMTP client streams it.
     */
    private static byte[] afterRemoteDeliveryDowngrade(byte[] signed) throws Exception {
        MimeMessageWrapper queued = new MimeMessageWrapper(MimeMessageInputStreamSource.create("queued", new java.io.ByteArrayInputStream(signed)));
        new Converter7Bit(FakeMailContext.defaultContext()).convertTo7Bit(queued);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        queued.writeTo(out);
        return out.toByteArray();
    }

    static Stream<Arguments> eightBitMessages() {
        return Stream.of(
            Arguments.of("singleTextPart", TestMessages.EIGHT_BIT_PLAIN),
            Arguments.of("multipartWithLongLinesAndInvitation", TestMessages.eightBitInvitation()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eightBitMessages")
    void signatureSurvivesRemoteDeliveryDowngradeTo7Bit(String name, String message) throws Exception {
        writeRsaKey();
        writeEd25519Key();
        Mail mail = marked(message, "target.example");
        mailet().service(mail);

        byte[] delivered = afterRemoteDeliveryDowngrade(TestMessages.bytes(mail.getMessage()));

        assertThat(verifiers.jdkim(delivered)).hasSize(1);
        assertThat(verifiers.jvm(delivered).lines()).as(verifiers.jvm(delivered).toString()).containsExactly(
            "d=target.example s=rsa1 a=rsa-sha256 pass", "d=target.example s=ed1 a=ed25519-sha256 pass");
        assumeTrue(Verifiers.pythonDkimInstalled(), "Debian's python3-dkim is not installed");
        Verifiers.PythonResult result = verifiers.python(delivered, work);
        assertThat(result.allPass()).as(result.toString()).isTrue();
    }

    /**
     * The counterfactual that makes the test above meaningful: signed without conversion, the
     * downgrade re-encodes a single 8-bit part and the signature breaks. (For a multipart, James
     * 3.8.1's MimeMessageWrapper streams the original body bytes despite the conversion, so the
     * signature happens to survive there.)
     */
    @Test
    void withoutConversionTheDowngradeBreaksTheSignature() throws Exception {
        writeRsaKey();
        Mail mail = marked(TestMessages.EIGHT_BIT_PLAIN, "target.example");
        mailet("convert8Bit", "false").service(mail);
        byte[] signed = TestMessages.bytes(mail.getMessage());
        assertThat(verifiers.jdkim(signed)).hasSize(1);

        byte[] delivered = afterRemoteDeliveryDowngrade(signed);

        assertThat(TestMessages.text(delivered)).contains("Content-Transfer-Encoding: quoted-printable");
        assertThatThrownBy(() -> verifiers.jdkim(delivered)).isInstanceOf(FailException.class);
    }

    @Test
    void bareLineFeedsAreSignedAsTheSmtpClientSendsThem() throws Exception {
        writeRsaKey();
        Mail mail = marked(TestMessages.SIMPLE.replace("Hello Bob,\r\n", "Hello Bob,\n"), "target.example");

        mailet().service(mail);

        String result = signed(mail);
        assertThat(result).contains("Hello Bob,\r\n").doesNotContain("Hello Bob,\n\r");
        assertThat(verifiers.jdkim(result.getBytes(StandardCharsets.UTF_8))).hasSize(1);
    }

    @Test
    void newKeyFileIsUsedAfterTheFolderChanges() throws Exception {
        writeRsaKey();
        MutableClock clock = new MutableClock(NOW);
        DkimSignRewritten mailet = mailet(clock, "keyFolderCheckSeconds", "10");
        writeEd25519Key();

        Mail before = marked(TestMessages.SIMPLE, "target.example");
        mailet.service(before);
        clock.advanceSeconds(11);
        Mail after = marked(TestMessages.SIMPLE, "target.example");
        mailet.service(after);

        assertThat(signatureFields(signed(before))).hasSize(1);
        assertThat(signatureFields(signed(after))).hasSize(2);
    }

    @Test
    void brokenKeyFileAfterStartKeepsThePreviousKeys() throws Exception {
        writeRsaKey();
        MutableClock clock = new MutableClock(NOW);
        DkimSignRewritten mailet = mailet(clock);
        TestKeys.write(keyFolder, "ed1._domainkey.target.example.pem", "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        clock.advanceSeconds(60);
        Mail mail = marked(TestMessages.SIMPLE, "target.example");

        mailet.service(mail);

        assertThat(signatureFields(signed(mail))).singleElement().asString().contains("s=rsa1;");
        assertThat(verifiers.jdkim(TestMessages.bytes(mail.getMessage()))).hasSize(1);
    }

    @Test
    void documentedSnippetParametersAreAccepted() throws Exception {
        writeRsaKey();
        DkimSignRewritten mailet = mailet(
            "signedHeaders", "From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding",
            "overSignedHeaders", "From",
            "keepTenantSignatures", "false",
            "onMissingKey", "to-processor",
            "missingKeyProcessor", "error",
            "convert8Bit", "true",
            "keyFolderCheckSeconds", "10",
            "rsaProvider", "auto");
        Mail mail = marked(TestMessages.SIMPLE, "target.example");

        mailet.service(mail);

        assertThat(verifiers.jdkim(TestMessages.bytes(mail.getMessage()))).hasSize(1);
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
            Arguments.of("unknownParameter", new String[] {"keyFolders", "/x"}, "Unexpected init parameters found: [keyFolders]"),
            Arguments.of("badOnMissingKey", new String[] {"onMissingKey", "drop"}, "onMissingKey must be 'to-processor' or 'send-unsigned', not 'drop'"),
            Arguments.of("fromNotSigned", new String[] {"signedHeaders", "To:Subject"}, "must include From"),
            Arguments.of("overSignedNotSigned", new String[] {"overSignedHeaders", "Subject", "signedHeaders", "From"}, "over-signed header 'Subject'"),
            Arguments.of("badBoolean", new String[] {"convert8Bit", "yes"}, "convert8Bit must be true or false, not 'yes'"),
            Arguments.of("badRsaProvider", new String[] {"rsaProvider", "openssl"}, "rsaProvider must be 'auto', 'jdk' or 'accp', not 'openssl'"),
            Arguments.of("badInterval", new String[] {"keyFolderCheckSeconds", "0"}, "keyFolderCheckSeconds must be a positive number of seconds, not '0'"),
            Arguments.of("missingFolder", new String[] {"keyFolder", "/nonexistent/dkim"}, "/nonexistent/dkim is not a readable directory"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigurations")
    void badConfigurationStopsStartUp(String name, String[] parameters, String message) {
        writeRsaKey();
        assertThatThrownBy(() -> mailet(parameters)).hasMessageContaining(message);
    }

    @Test
    void accpSignaturesVerifyWithJdkimPythonDkimAndTheJvm() throws Exception {
        assumeTrue(RsaSigningTest.accpExpected(), "ACCP's bundled native library is for Linux x86-64");
        writeRsaKey();
        DkimSignRewritten mailet = mailet("rsaProvider", "accp");
        Mail mail = marked(TestMessages.SIMPLE, "target.example");

        mailet.service(mail);

        byte[] sent = TestMessages.bytes(mail.getMessage());
        assertThat(mailet.rsaSigningInUse().provider().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(verifiers.jdkim(sent)).singleElement().satisfies(record ->
            assertThat(record.getSelector().toString()).isEqualTo("rsa1"));
        assertThat(verifiers.jvm(sent).lines()).containsExactly("d=target.example s=rsa1 a=rsa-sha256 pass");
        assumeTrue(Verifiers.pythonDkimInstalled(), "Debian's python3-dkim is not installed");
        Verifiers.PythonResult result = verifiers.python(sent, work);
        assertThat(result.lines()).as(result.toString()).containsExactly("d=target.example s=rsa1 a=rsa-sha256 pass");
    }

    @Test
    void autoSignsWithAccpOnLinuxX8664() throws Exception {
        assumeTrue(RsaSigningTest.accpExpected(), "ACCP's bundled native library is for Linux x86-64");
        writeRsaKey();

        DkimSignRewritten mailet = mailet();

        assertThat(mailet.rsaSigningInUse().isAccp()).isTrue();
        assertThat(mailet.rsaSigningInUse().provider().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
    }

    @Test
    void rsaProviderJdkSignsWithTheJdkProvider() throws Exception {
        writeRsaKey();
        Supplier<Provider> mustNotLoad = () -> {
            throw new AssertionError("ACCP must not be loaded for rsaProvider=jdk");
        };
        DkimSignRewritten mailet = mailet(Clock.fixed(NOW, ZoneOffset.UTC), mustNotLoad, "rsaProvider", "jdk");
        Mail mail = marked(TestMessages.SIMPLE, "target.example");

        mailet.service(mail);

        assertThat(mailet.rsaSigningInUse().isAccp()).isFalse();
        assertThat(mailet.rsaSigningInUse().provider().getName())
            .isEqualTo(Signature.getInstance("SHA256withRSA").getProvider().getName());
        assertThat(verifiers.jdkim(TestMessages.bytes(mail.getMessage()))).hasSize(1);
    }

    /** RSASSA-PKCS1-v1_5 is deterministic: the provider must not show in the signed message. */
    @Test
    void accpAndJdkSignTheSameMailToTheSameBytes() throws Exception {
        assumeTrue(RsaSigningTest.accpExpected(), "ACCP's bundled native library is for Linux x86-64");
        writeRsaKey();
        writeEd25519Key();
        DkimSignRewritten accp = mailet("rsaProvider", "accp");
        DkimSignRewritten jdk = mailet("rsaProvider", "jdk");
        Mail viaAccp = marked(TestMessages.SIMPLE, "target.example");
        Mail viaJdk = marked(TestMessages.SIMPLE, "target.example");

        accp.service(viaAccp);
        jdk.service(viaJdk);

        assertThat(accp.rsaSigningInUse().provider()).isNotEqualTo(jdk.rsaSigningInUse().provider());
        assertThat(signatureFields(signed(viaAccp))).hasSize(2);
        assertThat(signed(viaAccp)).isEqualTo(signed(viaJdk));
    }

    @Test
    void autoFallsBackToTheJdkWhenAccpIsUnusable() throws Exception {
        writeRsaKey();
        DkimSignRewritten mailet = mailet(Clock.fixed(NOW, ZoneOffset.UTC), NO_ACCP);
        Mail mail = marked(TestMessages.SIMPLE, "target.example");

        mailet.service(mail);

        assertThat(mailet.rsaSigningInUse().isAccp()).isFalse();
        assertThat(mailet.rsaSigningInUse().description()).contains("ACCP is not usable: ACCP's native library did not load (simulated)");
        assertThat(verifiers.jdkim(TestMessages.bytes(mail.getMessage()))).hasSize(1);
    }

    @Test
    void rsaProviderAccpWhenUnusableStopsStartUpNamingTheParameterAndTheError() {
        writeRsaKey();

        assertThatThrownBy(() -> mailet(Clock.fixed(NOW, ZoneOffset.UTC), NO_ACCP, "rsaProvider", "accp"))
            .isInstanceOf(MessagingException.class)
            .hasMessage("DkimSignRewritten: rsaProvider=accp but ACCP is not usable: ACCP's native library did not load (simulated)");
    }

    @Test
    void badKeyFileStopsStartUpNamingTheFile() {
        writeRsaKey();
        TestKeys.write(keyFolder, "ed1._domainkey.target.example.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(this::mailet).hasMessageContaining("ed1._domainkey.target.example.pem");
    }

    @Test
    void badlyNamedKeyFileStopsStartUpNamingTheFile() {
        TestKeys.write(keyFolder, "target.example.pem", TestKeys.pkcs1(TestKeys.RSA_2048));

        assertThatThrownBy(this::mailet).hasMessageContaining("'target.example.pem' is not named <selector>._domainkey.<domain>.pem");
    }

    @Test
    void keyMaterialNeverAppearsInErrors() {
        String pem = TestKeys.pkcs8(TestKeys.rsa(512));
        TestKeys.write(keyFolder, "weak._domainkey.target.example.pem", pem);
        String body = pem.split("\n")[1];

        assertThatThrownBy(this::mailet).hasMessageContaining("512 bits").hasMessageNotContaining(body.substring(0, 20));
    }
}
