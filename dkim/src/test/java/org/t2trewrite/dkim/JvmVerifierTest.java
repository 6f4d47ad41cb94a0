package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test verifier checked against a signer that is not ours: python3-dkim signs, the JVM
 * verifier must accept, and reject what was changed or signed with another key. (Our own
 * signatures are checked against it in {@link DkimSignRewrittenTest} and
 * {@link DkimCanonicalEdgeCasesTest}.)
 */
class JvmVerifierTest {
    private static final String SIGN = ""
        + "import sys, dkim\n"
        + "selector, domain, key, algorithm = sys.argv[1:5]\n"
        + "with open(key, 'rb') as f:\n"
        + "    private = f.read()\n"
        + "sys.stdout.buffer.write(dkim.sign(sys.stdin.buffer.read(), selector.encode(), domain.encode(), private,\n"
        + "    canonicalize=(b'relaxed', b'relaxed'), signature_algorithm=algorithm.encode(),\n"
        + "    include_headers=[b'from', b'to', b'subject', b'date', b'message-id']))\n";

    @TempDir
    Path work;

    private final Verifiers verifiers = new Verifiers()
        .publish("rsa1", "target.example", TestKeys.rsaRecord(TestKeys.RSA_2048))
        .publish("ed1", "target.example", TestKeys.ed25519Record(TestKeys.ED25519))
        .publish("other", "target.example", TestKeys.ed25519Record(new Ed25519PrivateKeyParameters(new SecureRandom())));

    /** Prepends python3-dkim's signature made with the key in {@code keyFile}. */
    private byte[] signedByPython(String selector, String algorithm, String keyFile, byte[] message) throws Exception {
        Path input = Files.write(work.resolve("in-" + selector + ".eml"), message);
        // Run in the temp folder: with -c, Python imports from the working directory first, and a
        // folder named dkim there (this module's!) would shadow the real package.
        Process process = new ProcessBuilder(Verifiers.DEBIAN_PYTHON.toString(), "-c", SIGN, selector, "target.example", keyFile, algorithm)
            .directory(work.toFile())
            .redirectInput(input.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        byte[] signature = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0).as("python3-dkim signed").isTrue();
        byte[] signed = new byte[signature.length + message.length];
        System.arraycopy(signature, 0, signed, 0, signature.length);
        System.arraycopy(message, 0, signed, signature.length, message.length);
        return signed;
    }

    private byte[] signedByPythonWithBothKeys(byte[] message) throws Exception {
        Path rsa = Files.writeString(work.resolve("rsa.pem"), TestKeys.pkcs1(TestKeys.RSA_2048));
        // dkimpy takes an Ed25519 private key as the base64 of its 32-byte seed.
        Path ed = Files.writeString(work.resolve("ed.key"), Base64.getEncoder().encodeToString(TestKeys.ED25519.getEncoded()));
        return signedByPython("ed1", "ed25519-sha256", ed.toString(),
            signedByPython("rsa1", "rsa-sha256", rsa.toString(), message));
    }

    @Test
    void acceptsSignaturesMadeByPythonDkim() throws Exception {
        assumeTrue(Verifiers.pythonDkimInstalled(), "Debian's python3-dkim is not installed");

        byte[] signed = signedByPythonWithBothKeys(TestMessages.SIMPLE.getBytes(StandardCharsets.UTF_8));

        assertThat(verifiers.jvm(signed).lines()).as(verifiers.jvm(signed).toString()).containsExactly(
            "d=target.example s=ed1 a=ed25519-sha256 pass",
            "d=target.example s=rsa1 a=rsa-sha256 pass");
    }

    @Test
    void rejectsPythonDkimSignaturesOverAChangedMessage() throws Exception {
        assumeTrue(Verifiers.pythonDkimInstalled(), "Debian's python3-dkim is not installed");
        String signed = new String(signedByPythonWithBothKeys(TestMessages.SIMPLE.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);

        String changedBody = signed.replace("Hello Bob", "Hello Rob");
        String changedHeader = signed.replace("To: bob@partner.example", "To: rob@partner.example");

        assertThat(verifiers.jvm(changedBody.getBytes(StandardCharsets.UTF_8)).lines())
            .containsExactly("d=target.example s=ed1 a=ed25519-sha256 fail", "d=target.example s=rsa1 a=rsa-sha256 fail");
        assertThat(verifiers.jvm(changedHeader.getBytes(StandardCharsets.UTF_8)).lines())
            .containsExactly("d=target.example s=ed1 a=ed25519-sha256 fail", "d=target.example s=rsa1 a=rsa-sha256 fail");
    }

    @Test
    void rejectsAnEd25519SignatureUnderAnotherPublishedKey() throws Exception {
        assumeTrue(Verifiers.pythonDkimInstalled(), "Debian's python3-dkim is not installed");
        Path ed = Files.writeString(work.resolve("ed.key"), Base64.getEncoder().encodeToString(TestKeys.ED25519.getEncoded()));

        byte[] signed = signedByPython("other", "ed25519-sha256", ed.toString(), TestMessages.SIMPLE.getBytes(StandardCharsets.UTF_8));

        assertThat(verifiers.jvm(signed).toString()).contains("s=other a=ed25519-sha256 fail", "signature does not verify");
    }

    @Test
    void messageWithoutSignatureDoesNotPass() {
        JvmVerifier.Results result = verifiers.jvm(TestMessages.SIMPLE.getBytes(StandardCharsets.UTF_8));

        assertThat(result.allPass()).isFalse();
        assertThat(result.lines()).isEmpty();
    }
}
