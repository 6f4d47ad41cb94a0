package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.Domain;

class PemKeysTest {
    private static final KeyName NAME = KeyName.of(Domain.of("target.example"), Selector.of("s1"));

    private static DkimKey read(String pem) {
        return PemKeys.read(NAME, "s1._domainkey.target.example.pem", new StringReader(pem));
    }

    private static String resource(String name) {
        try (InputStream in = PemKeysTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> acceptedKeys() {
        return Stream.of(
            Arguments.of("rsaPkcs1", TestKeys.pkcs1(TestKeys.RSA_2048), DkimAlgorithm.RSA_SHA256, 2048,
                TestKeys.rsaRecord(TestKeys.RSA_2048)),
            Arguments.of("rsaPkcs8", TestKeys.pkcs8(TestKeys.RSA_2048), DkimAlgorithm.RSA_SHA256, 2048,
                TestKeys.rsaRecord(TestKeys.RSA_2048)),
            Arguments.of("ed25519Pkcs8", TestKeys.pkcs8(TestKeys.ED25519), DkimAlgorithm.ED25519_SHA256, 256,
                TestKeys.ed25519Record(TestKeys.ED25519)),
            Arguments.of("opensslGenpkeyEd25519", resource("openssl-ed25519.pem"), DkimAlgorithm.ED25519_SHA256, 256, null),
            Arguments.of("opensslGenrsaTraditional1024", resource("openssl-rsa1024-pkcs1.pem"), DkimAlgorithm.RSA_SHA256, 1024, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedKeys")
    void readsKey(String name, String pem, DkimAlgorithm algorithm, int bits, String expectedRecord) {
        DkimKey key = read(pem);

        assertThat(key.algorithm()).isEqualTo(algorithm);
        assertThat(key.bits()).isEqualTo(bits);
        if (expectedRecord != null) {
            assertThat(key.publicKeyRecord()).isEqualTo(expectedRecord);
        }
        assertThat(key.toString()).isEqualTo("s1._domainkey.target.example (" + algorithm.tag() + ", " + bits + " bits)");
    }

    static Stream<Arguments> rejectedKeys() {
        return Stream.of(
            Arguments.of("encrypted", resource("openssl-rsa-encrypted.pem"), "encrypted private keys are not supported"),
            Arguments.of("ecKey", resource("openssl-ec.pem"), "unsupported key algorithm"),
            Arguments.of("rsa512", TestKeys.pkcs8(TestKeys.rsa(512)), "RSA key of 512 bits; at least 1024 are required"),
            Arguments.of("empty", "", "no PEM object found"),
            Arguments.of("garbage", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a readable PEM private key"),
            Arguments.of("publicKey", "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(TestKeys.RSA_2048.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n", "expected a private key, found a public key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedKeys")
    void rejectsKeyNamingTheFile(String name, String pem, String message) {
        assertThatThrownBy(() -> read(pem))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("s1._domainkey.target.example.pem: ")
            .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedKeys")
    void keyReaderIsNotConfusedByReaderType(String name, String pem, DkimAlgorithm algorithm, int bits, String expectedRecord) {
        DkimKey key = PemKeys.read(NAME, "x", new InputStreamReader(
            new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII));

        assertThat(key.algorithm()).isEqualTo(algorithm);
    }
}
