package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.message;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.james.jdkim.api.SignatureRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.dkim.JvmVerifier;
import org.t2trewrite.dkim.Verifiers;

/**
 * Two keys for one domain give two signatures (issue 4): James runs with the default RSA keys
 * (selector {@code t2t}) plus an Ed25519 key per tenant domain (RFC 8463, selector
 * {@code t2ted}, made by {@code dkim-keygen --algorithm ed25519}). python3-dkim and the in-JVM verifier check both.
 * jDKIM 0.3, the library in James 3.8.1, knows only {@code rsa-sha*}: it verifies the RSA
 * signature and cannot verify the Ed25519 one, which this test also pins down.
 */
class DkimEd25519IT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder().dkimKeygen("--algorithm", "ed25519", "--selector", "t2ted").build();

    @TempDir
    Path work;

    @Test
    void signsWithRsaAndEd25519BothVerifiedByPythonDkim() throws Exception {
        RELAY.send("alice@source.example", List.of("ext@external.example"),
            message("dual", "Alice <alice@source.example>", "ext@external.example", null, "two signatures"));

        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<dual@client.example>"), 1, WAIT);
        assertThat(delivered).as("log tail:%n%s", RELAY.logTail()).hasSize(1);
        byte[] message = delivered.get(0).data();
        assertThat(DkimFields.labels(message)).containsExactlyInAnyOrder(
            "d=target.example s=t2t a=rsa-sha256", "d=target.example s=t2ted a=ed25519-sha256");
        Verifiers verifiers = RELAY.dkimVerifiers();
        assertThat(verifiers.jdkim(message)).extracting(SignatureRecord::getSelector).extracting(CharSequence::toString)
            .containsExactly("t2t");
        JvmVerifier.Results jvm = verifiers.jvm(message);
        assertThat(jvm.allPass()).as(jvm.toString()).isTrue();
        assertThat(jvm.lines()).containsExactlyInAnyOrder(
            "d=target.example s=t2t a=rsa-sha256 pass", "d=target.example s=t2ted a=ed25519-sha256 pass");
        DkimSigningIT.assumePythonDkim();
        Verifiers.PythonResult python = verifiers.python(message, work);
        assertThat(python.allPass()).as(python.toString()).isTrue();
        assertThat(python.lines()).containsExactlyInAnyOrder(
            "d=target.example s=t2t a=rsa-sha256 pass", "d=target.example s=t2ted a=ed25519-sha256 pass");
    }
}
