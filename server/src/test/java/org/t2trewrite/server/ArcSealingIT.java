package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.bytes;
import static org.t2trewrite.server.Messages.message;
import static org.t2trewrite.server.Messages.text;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.cli.T2tRewriteCli;
import org.t2trewrite.dkim.DkimKey;
import org.t2trewrite.dkim.KeyFolder;
import org.t2trewrite.dkim.Verifiers;
import org.t2trewrite.testing.LoopbackDns;

/**
 * ARC end to end on a real James: outsiders' replies to {@code alice@target.example} (DayOne,
 * mailbox still in the source tenant) are rewritten to {@code alice@source.example}; their DKIM
 * keys, SPF and DMARC records are on a loopback DNS server (dnsmasq) the relay asks
 * ({@code t2t.dns.server}); the delivered copies are checked with python3-dkim
 * ({@code dkim.arc_verify}), an independent implementation. One James for every scenario; the
 * DNS outage comes last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArcSealingIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path KEYS = keyFolder();
    private static final DkimKey OUTSIDER = makeKey("s1", "outsider.example");
    private static final DkimKey UPSTREAM = makeKey("arcselector1", "upstream.example");
    private static final DkimKey DOWN = makeKey("s1", "down.example");
    private static final LoopbackDns DNS = startDns();

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .arcSealing("relay.example", "arc")
        .property("t2t.dns.server", DNS == null ? "" : DNS.hostAndPort())
        .build();

    @TempDir
    Path work;

    @BeforeAll
    static void requireTools() {
        if (DNS == null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but dnsmasq is not installed (.ci/run installs dnsmasq-base)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(DNS != null, "dnsmasq is not installed");
        Verifiers.requirePythonDkim();
    }

    @AfterAll
    static void stopDns() throws IOException {
        if (DNS != null) {
            DNS.close();
        }
        JamesRelay.deleteRecursively(KEYS);
    }

    private static Path keyFolder() {
        try {
            return Files.createTempDirectory("arc-it-keys");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DkimKey makeKey(String selector, String domain) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), "dkim-keygen", "--domain", domain,
            "--selector", selector, "--out", KEYS.toString());
        if (exit != 0) {
            throw new IllegalStateException("dkim-keygen " + domain + ": " + err);
        }
        return KeyFolder.open(KEYS, Clock.systemUTC(), Duration.ofDays(1)).current().all().stream()
            .filter(key -> key.name().domain().key().equals(domain)).findFirst().orElseThrow();
    }

    private static LoopbackDns startDns() {
        if (!LoopbackDns.available()) {
            return null;
        }
        try {
            return LoopbackDns.builder()
                .txt(OUTSIDER.name().recordName(), OUTSIDER.publicKeyRecord())
                .txt("outsider.example", "v=spf1 ip4:127.0.0.1 -all")
                .txt("_dmarc.outsider.example", "v=DMARC1; p=reject")
                .txt(UPSTREAM.name().recordName(), UPSTREAM.publicKeyRecord())
                .txt(DOWN.name().recordName(), DOWN.publicKeyRecord())
                .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** python3-dkim with every key it may need, ours from the relay's key folder: no DNS. */
    private static Verifiers verifiers() {
        Verifiers verifiers = RELAY.dkimVerifiers();
        for (DkimKey key : List.of(OUTSIDER, UPSTREAM, DOWN)) {
            verifiers.publish(key.name().selector().value(), key.name().domain().key(), key.publicKeyRecord());
        }
        return verifiers;
    }

    private byte[] dkimSigned(byte[] message, DkimKey key) {
        Path pem = KEYS.resolve(key.name().fileName());
        Verifiers.PythonResult signed = verifiers().arcPython(message, work, "dkimsign", key.name().selector().value(),
            key.name().domain().key(), pem.toString());
        assertThat(signed.allPass()).as(signed.toString()).isTrue();
        return bytes(signed.output());
    }

    private static byte[] reply(String id, String from) {
        return message(id, from, "Alice <alice@target.example>", "bob@external.example", "Re: the numbers");
    }

    private static byte[] deliveredCopy(String id) throws Exception {
        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<" + id + "@client.example>")
            && d.rcpts().contains("alice@source.example"), 1, WAIT);
        assertThat(delivered).as("log tail:%n%s", RELAY.logTail()).hasSize(1);
        return delivered.get(0).data();
    }

    private static String arcResults(byte[] message) {
        Matcher matcher = Pattern.compile("(?m)^ARC-Authentication-Results:((?:[^\\r\\n]|\\r\\n[ \\t])*)").matcher(text(message));
        StringBuilder all = new StringBuilder();
        while (matcher.find()) {
            all.append(matcher.group(1).replaceAll("\\s+", " ").trim()).append('\n');
        }
        return all.toString();
    }

    private static long count(byte[] message, String fieldName) {
        return Pattern.compile("(?im)^" + Pattern.quote(fieldName) + ":").matcher(text(message)).results().count();
    }

    @Test
    @Order(1)
    void signedReplyIsSealedWithTheOutsidersPassAndTheSealVerifiesWhereTheSignatureNoLongerDoes() throws Exception {
        RELAY.send("carl@outsider.example", List.of("alice@target.example"),
            dkimSigned(reply("arc-signed", "Carl <carl@outsider.example>"), OUTSIDER));

        byte[] delivered = deliveredCopy("arc-signed");

        assertThat(text(delivered)).contains("To: Alice <alice@source.example>");
        String results = arcResults(delivered);
        assertThat(results).startsWith("i=1; relay.example;")
            .contains("dkim=pass header.d=outsider.example header.s=s1")
            .contains("spf=pass smtp.mailfrom=carl@outsider.example")
            .contains("dmarc=pass (p=reject) header.from=outsider.example")
            .contains("arc=none");
        Verifiers.PythonResult arc = verifiers().arcPython(delivered, work, "verify");
        assertThat(arc.allPass()).as(arc.toString()).isTrue();
        assertThat(arc.output()).startsWith("cv=pass");
        Verifiers.PythonResult dkim = verifiers().arcPython(delivered, work, "dkim");
        assertThat(dkim.lines()).as("the rewrite broke the outsider's own signature").containsExactly("d=outsider.example fail");
    }

    @Test
    @Order(2)
    void unsignedReplyIsSealedAndAForgedResultInOurNameIsRemoved() throws Exception {
        byte[] forged = bytes("Authentication-Results: relay.example; dkim=pass header.d=bank.example\r\n"
            + "Authentication-Results: mx.other.example; spf=pass\r\n" + text(reply("arc-unsigned", "carl@outsider.example")));
        RELAY.send("carl@outsider.example", List.of("alice@target.example"), forged);

        byte[] delivered = deliveredCopy("arc-unsigned");

        assertThat(arcResults(delivered)).contains("dkim=none").contains("spf=pass").contains("dmarc=pass (p=reject)");
        assertThat(text(delivered)).doesNotContain("header.d=bank.example").contains("Authentication-Results: mx.other.example; spf=pass");
        Verifiers.PythonResult arc = verifiers().arcPython(delivered, work, "verify");
        assertThat(arc.allPass()).as(arc.toString()).isTrue();
    }

    @Test
    @Order(3)
    void tamperedBodyIsRecordedAsDkimFailAndStillDelivered() throws Exception {
        byte[] signed = dkimSigned(reply("arc-tampered", "carl@outsider.example"), OUTSIDER);
        RELAY.send("carl@outsider.example", List.of("alice@target.example"), Messages.replaced(signed, "numbers are", "numbers were"));

        byte[] delivered = deliveredCopy("arc-tampered");

        assertThat(arcResults(delivered)).contains("dkim=fail (body hash did not verify) header.d=outsider.example");
        Verifiers.PythonResult arc = verifiers().arcPython(delivered, work, "verify");
        assertThat(arc.allPass()).as("our seal is intact even though the author's signature failed: " + arc).isTrue();
    }

    @Test
    @Order(4)
    void chainStartedUpstreamGetsInstanceTwoWithCvPass() throws Exception {
        byte[] signed = dkimSigned(reply("arc-upstream", "carl@outsider.example"), OUTSIDER);
        Path pem = KEYS.resolve(UPSTREAM.name().fileName());
        // What Exchange Online would do before forwarding the reply to us: verify, then seal.
        Verifiers.PythonResult sealed = verifiers().arcPython(
            bytes("Authentication-Results: upstream.example; dkim=pass header.d=outsider.example; arc=none\r\n" + text(signed)),
            work, "sign", "arcselector1", "upstream.example", pem.toString(), "upstream.example");
        assertThat(sealed.allPass()).as(sealed.toString()).isTrue();
        RELAY.send("carl@outsider.example", List.of("alice@target.example"), bytes(sealed.output()));

        byte[] delivered = deliveredCopy("arc-upstream");

        assertThat(count(delivered, "ARC-Seal")).isEqualTo(2);
        assertThat(text(delivered)).containsPattern("ARC-Seal: i=2; a=rsa-sha256; t=[0-9]+; cv=pass;\\r\\n\\td=relay.example; s=arc;");
        assertThat(arcResults(delivered)).contains("i=2; relay.example;").contains("arc=pass");
        Verifiers.PythonResult arc = verifiers().arcPython(delivered, work, "verify");
        assertThat(arc.allPass()).as(arc.toString()).isTrue();
        assertThat(arc.output()).contains("instance=2 ams=True as=True");
    }

    @Test
    @Order(5)
    void secondPassThroughThePipelineLeavesOneSetOfOurs() throws Exception {
        byte[] first = deliveredCopy("arc-signed");
        // The sealed copy comes back as it left the outsider (To as they wrote it) and is rewritten again.
        byte[] again = Messages.replaced(Messages.replaced(first, "To: Alice <alice@source.example>", "To: Alice <alice@target.example>"),
            "<arc-signed@client.example>", "<arc-again@client.example>");
        RELAY.send("carl@outsider.example", List.of("alice@target.example"), again);

        byte[] delivered = deliveredCopy("arc-again");

        assertThat(count(delivered, "ARC-Seal")).isEqualTo(1);
        assertThat(count(delivered, "ARC-Message-Signature")).isEqualTo(1);
        assertThat(arcResults(delivered)).as("the results recorded before the first change")
            .contains("i=1; relay.example;").contains("dkim=pass header.d=outsider.example");
        Verifiers.PythonResult arc = verifiers().arcPython(delivered, work, "verify");
        assertThat(arc.allPass()).as(arc.toString()).isTrue();
    }

    @Test
    @Order(6)
    void outboundRewrittenMailKeepsItsDkimSignatureAndIsSealed() throws Exception {
        RELAY.send("alice@source.example", List.of("ext@external.example"),
            message("arc-outbound", "Alice <alice@source.example>", "ext@external.example", null, "hello"));

        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<arc-outbound@client.example>"), 1, WAIT);
        assertThat(delivered).as("log tail:%n%s", RELAY.logTail()).hasSize(1);
        byte[] message = delivered.get(0).data();
        Verifiers.PythonResult dkim = verifiers().arcPython(message, work, "dkim");
        assertThat(dkim.lines()).containsExactly("d=target.example pass");
        Verifiers.PythonResult arc = verifiers().arcPython(message, work, "verify");
        assertThat(arc.allPass()).as(arc.toString()).isTrue();
    }

    @Test
    @Order(7)
    void dnsDownGivesTemperrorAndTheMailIsStillDelivered() throws Exception {
        DNS.stop();
        RELAY.send("dora@down.example", List.of("alice@target.example"),
            dkimSigned(reply("arc-dns-down", "dora@down.example"), DOWN));

        byte[] delivered = deliveredCopy("arc-dns-down");

        assertThat(arcResults(delivered)).contains("dkim=temperror").contains("spf=temperror").contains("dmarc=temperror");
        Verifiers.PythonResult arc = verifiers().arcPython(delivered, work, "verify");
        assertThat(arc.allPass()).as(arc.toString()).isTrue();
    }
}
