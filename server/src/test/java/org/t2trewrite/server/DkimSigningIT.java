package org.t2trewrite.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.t2trewrite.server.Messages.assertRelayedAs;
import static org.t2trewrite.server.Messages.message;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeMessage;

import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.dkim.Verifiers;

/**
 * Issue 4's end-to-end proof on a real James 3.8.1 with our jar and james-conf/: rewritten mail
 * leaves signed for the domain it now speaks for ({@code rsa-sha256}, selector {@code t2t}, the
 * keys {@code ./relay} generates), as the SMTP sink receives it, and the signature verifies with
 * jDKIM 0.3 (James's library) and with Debian's python3-dkim, both reading the public keys from
 * the relay's key folder instead of DNS. Also after James's 7-bit downgrade for a next hop
 * without 8BITMIME. The missing-key and Ed25519 cases need other key folders:
 * {@link DkimMissingKeyIT}, {@link DkimEd25519IT}.
 */
class DkimSigningIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String EXTERNAL = "ext@external.example";
    private static final String LONG_LINE = Stream.generate(() -> "0123456789").limit(200).collect(Collectors.joining());

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder().build();

    @TempDir
    Path work;

    @AfterEach
    void restoreSink() {
        RELAY.sink().advertise8BitMime(true);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "DayOne, alice@source.example, Alice <alice@source.example>, target.example",
        "DayTwo, carol@target.example, Carol <carol@target.example>, source.example",
    })
    void signsRewrittenMailForTheDomainItNowSpeaksFor(String group, String sender, String from, String domain) throws Exception {
        String id = "signed-" + group;

        RELAY.send(sender, List.of(EXTERNAL), message(id, from, EXTERNAL, null, "signed"));

        byte[] delivered = single(id).data();
        assertThat(DkimFields.labels(delivered)).containsExactly("d=" + domain + " s=t2t a=rsa-sha256");
        assertThat(DkimFields.of(delivered).get(0)).containsEntry("c", "relaxed/relaxed");
        assertVerifiedByBoth(delivered, "d=" + domain + " s=t2t a=rsa-sha256 pass");
    }

    @Test
    void changedBodyByteFailsBothVerifiers() throws Exception {
        RELAY.send("alice@source.example", List.of(EXTERNAL), message("tampered", "Alice <alice@source.example>", EXTERNAL, null, "t"));
        byte[] delivered = single("tampered").data();
        assertThat(RELAY.dkimVerifiers().jdkim(delivered)).hasSize(1);

        byte[] tampered = delivered.clone();
        int body = Messages.text(delivered).indexOf("\r\n\r\n") + 4;
        // 'H' of "Hello," becomes 'I': one bit of one body byte.
        tampered[body] ^= 0x01;

        Verifiers verifiers = RELAY.dkimVerifiers();
        assertThatThrownBy(() -> verifiers.jdkim(tampered)).isInstanceOf(FailException.class);
        assumePythonDkim();
        Verifiers.PythonResult python = verifiers.python(tampered, work);
        assertThat(python.allPass()).isFalse();
        assertThat(python.lines()).contains("d=target.example s=t2t a=rsa-sha256 fail");
    }

    static Stream<Arguments> bodiesAndNextHops() {
        return Stream.of(true, false).flatMap(eightBitMime -> Stream.of(
            Arguments.of("8-bit UTF-8 text", eightBitMime, eightBitText(), List.of("Grüße aus Köln — naïve café, 東京")),
            Arguments.of("2,000-octet line", eightBitMime, longLine(), List.of(LONG_LINE)),
            Arguments.of("multipart with text/calendar", eightBitMime, invitation(),
                List.of("Einladung für Köln", "SUMMARY:Réunion trimestrielle", "ATTENDEE;RSVP=TRUE:mailto:" + EXTERNAL))));
    }

    @ParameterizedTest(name = "{0}, next hop with 8BITMIME: {1}")
    @MethodSource("bodiesAndNextHops")
    void signatureSurvivesDeliveryOf(String name, boolean eightBitMime, String message, List<String> decodedText) throws Exception {
        String id = (name + "-" + eightBitMime).replaceAll("[^A-Za-z0-9-]", "");
        RELAY.sink().advertise8BitMime(eightBitMime);

        RELAY.send("alice@source.example", List.of(EXTERNAL), message.replace("ID@", id + "@").getBytes(UTF_8));

        byte[] delivered = single(id).data();
        if (!eightBitMime) {
            assertThat(Messages.text(delivered).chars()).as("sent 7-bit to a peer without 8BITMIME").allMatch(c -> c < 0x80);
        }
        assertThat(Messages.text(delivered)).contains("From: Alice <alice@target.example>");
        assertThat(decodedText(delivered)).contains(decodedText);
        assertVerifiedByBoth(delivered, "d=target.example s=t2t a=rsa-sha256 pass");
    }

    @Test
    void reinjectedKeptMailIsSignedAsIfItHadPassedOnce() throws Exception {
        RELAY.send("alice@source.example", List.of(EXTERNAL), message("first-pass", "Alice <alice@source.example>", EXTERNAL, null, "r"));
        byte[] once = single("first-pass").data();
        // What an operator re-injects from a kept copy: already rewritten, our signature on it.
        String delivered = Messages.text(once);
        byte[] kept = Messages.bytes(delivered.substring(delivered.indexOf("DKIM-Signature:")).replace("first-pass", "second-pass"));

        RELAY.send("alice@target.example", List.of(EXTERNAL), kept);

        byte[] twice = single("second-pass").data();
        assertThat(DkimFields.labels(twice)).containsExactly("d=target.example s=t2t a=rsa-sha256");
        assertThat(RELAY.dkimVerifiers().jdkim(twice)).hasSize(1);
    }

    @Test
    void relaysUnmarkedMailUnsignedAndByteForByte() throws Exception {
        byte[] sent = message("unmarked", "Frank <frank@source.example>", EXTERNAL, null, "not eligible");

        RELAY.send("frank@source.example", List.of(EXTERNAL), sent);

        byte[] delivered = single("unmarked").data();
        assertThat(DkimFields.of(delivered)).isEmpty();
        assertRelayedAs(delivered, sent);
    }

    @Test
    void replacesTheTenantSignatureAndKeepsTheMailingListSignature() throws Exception {
        KeyPair tenantKey = rsaKeyPair();
        KeyPair listKey = rsaKeyPair();
        byte[] unsigned = message("resigned", "Alice <alice@source.example>", EXTERNAL, null, "via the list");
        // What Exchange Online would have added for the source tenant (broken by our From rewrite)…
        String tenantSignature = sign(unsigned, "d=source.example; s=selector1; h=From:To:Subject:Date:Message-ID", tenantKey);
        // …and a mailing list's, which our rewrite breaks too (RFC 6376 §5.4: it must cover From),
        // but it is not ours to remove: a receiver may still want to see it.
        String listSignature = sign(unsigned, "d=lists.example; s=list; h=From:Subject:Date:Message-ID", listKey);
        byte[] sent = (listSignature + "\r\n" + tenantSignature + "\r\n" + Messages.text(unsigned)).getBytes(UTF_8);

        RELAY.send("alice@source.example", List.of(EXTERNAL), sent);

        byte[] delivered = single("resigned").data();
        assertThat(DkimFields.labels(delivered))
            .containsExactly("d=target.example s=t2t a=rsa-sha256", "d=lists.example s=list a=rsa-sha256");
        assertThat(Messages.text(delivered)).contains(listSignature + "\r\n").doesNotContain("selector1");
        Verifiers verifiers = RELAY.dkimVerifiers()
            .publish("selector1", "source.example", record(tenantKey))
            .publish("list", "lists.example", record(listKey));
        assertThat(verifiers.jdkim(delivered)).extracting(r -> r.getDToken().toString()).containsExactly("target.example");
        assumePythonDkim();
        Verifiers.PythonResult python = verifiers.python(delivered, work);
        assertThat(python.lines()).as(python.toString())
            .containsExactly("d=target.example s=t2t a=rsa-sha256 pass", "d=lists.example s=list a=rsa-sha256 fail");
    }

    private void assertVerifiedByBoth(byte[] delivered, String... pythonLines) throws Exception {
        Verifiers verifiers = RELAY.dkimVerifiers();
        List<SignatureRecord> verified = verifiers.jdkim(delivered);
        assertThat(verified).hasSize(pythonLines.length);
        assumePythonDkim();
        Verifiers.PythonResult python = verifiers.python(delivered, work);
        assertThat(python.allPass()).as(python.toString()).isTrue();
        assertThat(python.lines()).containsExactly(pythonLines);
    }

    static void assumePythonDkim() {
        assumeTrue(Verifiers.pythonDkimInstalled(), "Debian's python3-dkim is not installed (.ci/run installs it)");
    }

    private static SmtpSink.Delivery single(String id) throws InterruptedException {
        String marker = "<" + id + "@client.example>";
        List<SmtpSink.Delivery> found = RELAY.sink().await(d -> d.dataAsString().contains(marker), 1, WAIT);
        assertThat(found).as("deliveries of %s; log tail:%n%s", marker, RELAY.logTail()).hasSize(1);
        return found.get(0);
    }

    /** The decoded text of every text/* part, each in its own charset. */
    static String decodedText(byte[] message) throws MessagingException, IOException {
        return decodedText(new MimeMessage(null, new ByteArrayInputStream(message)));
    }

    private static String decodedText(Part part) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                text.append(decodedText(multipart.getBodyPart(i))).append('\n');
            }
            return text.toString();
        }
        String charset = new ContentType(part.getContentType()).getParameter("charset");
        return new String(part.getInputStream().readAllBytes(), Charset.forName(charset == null ? "us-ascii" : charset));
    }

    private static String header(String subject, String contentType) {
        return "From: Alice <alice@source.example>\r\n"
            + "To: " + EXTERNAL + "\r\n"
            + "Subject: " + subject + "\r\n"
            + "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
            + "Message-ID: <ID@client.example>\r\n"
            + "MIME-Version: 1.0\r\n"
            + contentType;
    }

    private static String eightBitText() {
        return header("8-bit", "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n")
            + "\r\nGrüße aus Köln — naïve café, 東京.\r\n";
    }

    private static String longLine() {
        return header("long line", "Content-Type: text/plain; charset=us-ascii\r\n")
            + "\r\n" + LONG_LINE + "\r\nend\r\n";
    }

    private static String invitation() {
        return header("Invitation", "Content-Type: multipart/alternative; boundary=\"b1\"\r\n")
            + "\r\n--b1\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "Einladung für Köln\r\n"
            + "--b1\r\n"
            + "Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//client//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
            + "UID:resign-1@client.example\r\nDTSTAMP:20261124T100000Z\r\nDTSTART:20261201T090000Z\r\n"
            + "SUMMARY:Réunion trimestrielle\r\n"
            + "ORGANIZER;CN=Alice:mailto:alice@source.example\r\n"
            + "ATTENDEE;RSVP=TRUE:mailto:" + EXTERNAL + "\r\n"
            + "END:VEVENT\r\nEND:VCALENDAR\r\n"
            + "--b1--\r\n";
    }

    private static KeyPair rsaKeyPair() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static String record(KeyPair pair) {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    /** A {@code DKIM-Signature} field (no line end) made by jDKIM, as another signer would add it. */
    private static String sign(byte[] message, String tags, KeyPair key) throws IOException, FailException {
        String template = "v=1; a=rsa-sha256; c=relaxed/relaxed; " + tags + "; bh=; b=;";
        return new DKIMSigner(template, key.getPrivate()).sign(new ByteArrayInputStream(message));
    }
}
