package org.t2trewrite.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Eligibility;

class CertificateCredentialTest {
    @TempDir
    Path temp;

    private static KeyPair keyPair(String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(algorithm.equals("RSA") ? 2048 : 256);
        return generator.generateKeyPair();
    }

    private Path certificate(KeyPair keys, String signature) throws Exception {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=t2t-rewrite test");
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
            name, BigInteger.ONE, Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(1, ChronoUnit.DAYS)),
            name, keys.getPublic()).build(new JcaContentSignerBuilder(signature).build(keys.getPrivate())));
        return pem(temp.resolve("cert.pem"), certificate);
    }

    private static Path pem(Path file, Object object) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return Files.writeString(file, text.toString());
    }

    private Path pkcs8(KeyPair keys) throws Exception {
        return Files.writeString(temp.resolve("key8.pem"), "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    }

    @ParameterizedTest(name = "key as {0}")
    @ValueSource(strings = {"PKCS#1", "PKCS#8"})
    void certificateCredentialAuthenticatesWithSignedClientAssertion(String keyFormat) throws Exception {
        KeyPair keys = keyPair("RSA");
        Path certificate = certificate(keys, "SHA256withRSA");
        Path key = keyFormat.equals("PKCS#8") ? pkcs8(keys) : pem(temp.resolve("key1.pem"), keys.getPrivate());
        GraphFixture fixture = new GraphFixture(temp);
        try (fixture.graph; GraphDirectory directory = GraphDirectory.manual(fixture
                .without("graph.source.clientSecretFile")
                .with("graph.source.certificateFile", certificate.toString())
                .with("graph.source.privateKeyFile", key.toString()).config(),
            new GraphFixture.RecordingSleeper(), Clock.systemUTC())) {
            fixture.graph.certificateTenant("source-tenant", "source-app", keys.getPublic());
            fixture.graph.tenants().get("source-tenant").copyFrom(fixture.source);

            assertThat(directory.syncOnce()).as("%s", directory.status()).isTrue();
            assertThat(directory.snapshot().eligibility(Address.parse("alice@source.example"))).isEqualTo(Eligibility.DAY_ONE);
        }
    }

    @Test
    void certificateSignedByAnotherKeyIsRefused() throws Exception {
        KeyPair registered = keyPair("RSA");
        KeyPair other = keyPair("RSA");
        Path certificate = certificate(other, "SHA256withRSA");
        Path key = pkcs8(other);
        GraphFixture fixture = new GraphFixture(temp);
        try (fixture.graph; GraphDirectory directory = GraphDirectory.manual(fixture
                .without("graph.source.clientSecretFile")
                .with("graph.source.certificateFile", certificate.toString())
                .with("graph.source.privateKeyFile", key.toString()).config(),
            new GraphFixture.RecordingSleeper(), Clock.systemUTC())) {
            fixture.graph.certificateTenant("source-tenant", "source-app", registered.getPublic());

            assertThat(directory.syncOnce()).isFalse();
            assertThat(directory.status().lastFailure().orElseThrow()).contains("HTTP 401").contains("invalid_client");
        }
    }

    @Test
    void nonRsaKeyIsRejectedAtConfiguration() throws Exception {
        KeyPair keys = keyPair("EC");
        Path certificate = certificate(keys, "SHA256withECDSA");
        Path key = pkcs8(keys);

        assertThatThrownBy(() -> ClientCredential.certificate(certificate, key))
            .hasMessageContaining("Entra ID client assertions need RSA");
    }
}
