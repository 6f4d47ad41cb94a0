package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.glue.MessageBytes;

/** Our DKIM verifier on signatures python3-dkim made (every canonicalisation), and the DMARC rules. */
class SignatureCheckTest {
    private static final Instant NOW = Instant.now();
    private static final String MESSAGE = "From: Bob <bob@ext.example>\r\nTo:  alice@source.example\r\nSubject: hi  there\r\n"
        + "Date: Wed, 2 Dec 2026 02:00:00 +0000\r\n\r\nHello  world \r\n\r\n\r\n";

    @TempDir
    Path work;

    private final TxtLookup dns = name -> name.equals("s1._domainkey.ext.example")
        ? TxtAnswer.found(List.of(TestKeys.rsaRecord(TestKeys.RSA_2048))) : TxtAnswer.none();

    private byte[] signedByDkimpy(String canonicalization) throws Exception {
        Path key = Files.writeString(work.resolve("s1.pem"), TestKeys.pkcs8(TestKeys.RSA_2048), StandardCharsets.US_ASCII);
        Path script = Files.writeString(work.resolve("sign.py"), "import sys, dkim\n"
            + "m = sys.stdin.buffer.read()\n"
            + "h, b = sys.argv[2].split('/')\n"
            + "sys.stdout.buffer.write(dkim.sign(m, b's1', b'ext.example', open(sys.argv[1], 'rb').read(),"
            + " canonicalize=(h.encode(), b.encode()), include_headers=[b'From', b'To', b'Subject', b'Date']) + m)\n");
        Path input = Files.write(work.resolve("in.eml"), MESSAGE.getBytes(StandardCharsets.US_ASCII));
        Process process = new ProcessBuilder("/usr/bin/python3", "-I", script.toString(), key.toString(), canonicalization)
            .redirectInput(input.toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor()).as(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        return out;
    }

    private SignatureCheck.Verdict verify(byte[] message) {
        MessageBytes bytes = MessageBytes.own(message);
        HeaderField signature = bytes.header().fields("DKIM-Signature").get(0);
        return SignatureCheck.dkim(bytes.header(), bytes.bodyCopy(), signature, dns, NOW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple/simple", "relaxed/simple", "simple/relaxed", "relaxed/relaxed"})
    void verifiesDkimpysSignatureAndFailsAChangedOne(String canonicalization) throws Exception {
        Verifiers.requirePythonDkim();
        byte[] signed = signedByDkimpy(canonicalization);

        SignatureCheck.Verdict verdict = verify(signed);
        String text = new String(signed, StandardCharsets.US_ASCII);
        SignatureCheck.Verdict changedTo = verify(text.replace("alice@source", "alice@target").getBytes(StandardCharsets.US_ASCII));
        SignatureCheck.Verdict changedBody = verify(text.replace("Hello", "Hallo").getBytes(StandardCharsets.US_ASCII));

        assertThat(verdict.result()).as(verdict.toString()).isEqualTo(SignatureCheck.Result.PASS);
        assertThat(verdict.domain()).isEqualTo("ext.example");
        assertThat(changedTo.result()).isEqualTo(SignatureCheck.Result.FAIL);
        assertThat(changedBody.result()).isEqualTo(SignatureCheck.Result.FAIL);
        assertThat(changedBody.reason()).isEqualTo("body hash did not verify");
    }

    @Test
    void aMissingKeyIsPermerrorAndADnsFailureTemperror() throws Exception {
        Verifiers.requirePythonDkim();
        byte[] signed = signedByDkimpy("relaxed/relaxed");
        MessageBytes bytes = MessageBytes.own(signed);
        HeaderField signature = bytes.header().fields("DKIM-Signature").get(0);

        assertThat(SignatureCheck.dkim(bytes.header(), bytes.bodyCopy(), signature, name -> TxtAnswer.none(), NOW).result())
            .isEqualTo(SignatureCheck.Result.PERMERROR);
        assertThat(SignatureCheck.dkim(bytes.header(), bytes.bodyCopy(), signature,
            name -> TxtAnswer.temporaryFailure("timed out"), NOW).result()).isEqualTo(SignatureCheck.Result.TEMPERROR);
    }

    @Test
    void dmarcAlignsRelaxedByOrganisationalDomainAndStrictByTheDomain() {
        Map<String, String> records = Map.of("_dmarc.ext.example", "v=DMARC1; p=reject; adkim=r",
            "_dmarc.strict.example", "v=DMARC1; p=quarantine; adkim=s; aspf=s");
        TxtLookup lookup = name -> records.containsKey(name) ? TxtAnswer.found(List.of(records.get(name))) : TxtAnswer.none();

        Dmarc relaxed = Dmarc.evaluate("mail.ext.example", List.of("ext.example"), Optional.empty(), lookup);
        Dmarc strict = Dmarc.evaluate("strict.example", List.of("mail.strict.example"), Optional.empty(), lookup);
        Dmarc spfOnly = Dmarc.evaluate("strict.example", List.of(), Optional.of("strict.example"), lookup);
        Dmarc none = Dmarc.evaluate("nopolicy.example", List.of("nopolicy.example"), Optional.empty(), lookup);
        Dmarc down = Dmarc.evaluate("ext.example", List.of(), Optional.empty(), name -> TxtAnswer.temporaryFailure("timed out"));

        assertThat(relaxed.result()).isEqualTo(SignatureCheck.Result.PASS);
        assertThat(relaxed.policy()).as("a subdomain without sp= takes p=").isEqualTo("reject");
        assertThat(strict.result()).isEqualTo(SignatureCheck.Result.FAIL);
        assertThat(strict.policy()).isEqualTo("quarantine");
        assertThat(spfOnly.result()).isEqualTo(SignatureCheck.Result.PASS);
        assertThat(none.result().word()).isEqualTo("none");
        assertThat(down.result()).isEqualTo(SignatureCheck.Result.TEMPERROR);
    }
}
