package org.t2trewrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetupTlsCommandTest {
    private static final Instant NOW = Instant.now();
    private static TestPki.Identity root;
    private static TestPki.Identity intermediate;

    @TempDir
    Path folder;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void pki() {
        root = TestPki.newCa("Setup Test Root");
        intermediate = root.issueCa("Setup Test Intermediate");
    }

    private int run(String... args) {
        return T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    private TestPki.Identity valid(String... hosts) {
        return intermediate.issue("relay.example.net", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(200)), 2048, hosts);
    }

    private int check(TestPki.Identity identity, String... extra) {
        Path cert = identity.writeCertificate(folder.resolve("cert.pem"));
        Path key = identity.writeKey(folder.resolve("key.pem"));
        String[] base = {"setup", "tls", "--cert", cert.toString(), "--key", key.toString(), "--host", "relay.example.net"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(args);
    }

    @Test
    void acceptsAValidChainAndSaysDaysLeftAndWhatToDoNext() {
        int code = check(valid("relay.example.net", "relay2.example.net"), "--host", "relay2.example.net");

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString())
            .contains("ok: the certificate (CN=relay.example.net,O=T2T Rewrite tests) valid until")
            .containsPattern("\\((199|200) days left\\)")
            .contains("ok: RSA key of 2048 bits")
            .contains("ok: chain of 2 certificates in order")
            .contains("ok: relay.example.net is covered")
            .contains("ok: relay2.example.net is covered")
            .contains("ok: the key belongs to the certificate")
            .contains("next: install it: setup tls ... --work-dir");
    }

    @Test
    void refusesAnExpiredCertificate() {
        TestPki.Identity expired = intermediate.issue("relay.example.net", NOW.minus(Duration.ofDays(400)),
            NOW.minus(Duration.ofDays(35)), 2048, "relay.example.net");

        assertThat(check(expired)).isEqualTo(1);
        assertThat(err.toString()).containsPattern("setup tls: the certificate \\(CN=relay.example.net,O=T2T Rewrite tests\\) expired on \\S+ \\(3[45] days ago\\)");
    }

    @Test
    void refusesACertificateNotValidYet() {
        TestPki.Identity future = intermediate.issue("relay.example.net", NOW.plus(Duration.ofDays(10)),
            NOW.plus(Duration.ofDays(300)), 2048, "relay.example.net");

        assertThat(check(future)).isEqualTo(1);
        assertThat(err.toString()).containsPattern("is not valid yet: valid from \\S+ \\((9|10) days from now\\)");
    }

    @Test
    void warnsWhenFewDaysAreLeftButPasses() {
        TestPki.Identity soon = intermediate.issue("relay.example.net", NOW.minus(Duration.ofDays(80)),
            NOW.plus(Duration.ofDays(10)).plus(Duration.ofHours(1)), 2048, "relay.example.net");

        assertThat(check(soon)).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("warning: the certificate .* expires on \\S+: 10 days left, renew it soon");
    }

    @Test
    void refusesAHostTheCertificateDoesNotName() {
        int code = check(valid("other.example.net"));

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("setup tls: relay.example.net is not covered by the certificate's subjectAltName"
            + " [other.example.net]");
    }

    @Test
    void acceptsAOneLabelWildcardOnly() {
        int code = check(valid("*.example.net"), "--host", "deep.relay.example.net");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("ok: relay.example.net is covered by the certificate's subjectAltName [*.example.net]");
        assertThat(err.toString()).contains("deep.relay.example.net is not covered");
    }

    @Test
    void fallsBackToTheCommonNameWithoutSubjectAltName() {
        int code = check(valid());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("ok: relay.example.net is covered by the certificate's CN (no subjectAltName dNSName)");
    }

    @Test
    void warnsWhenTheCertificateCannotBeAClientCertificate() {
        int code = check(intermediate.issueServerOnly("relay.example.net", "relay.example.net"));

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("warning: the certificate's extended key usage lacks clientAuth");
    }

    @Test
    void refusesAKeyOfAnotherCertificate() {
        TestPki.Identity identity = valid("relay.example.net");
        Path cert = identity.writeCertificate(folder.resolve("cert.pem"));
        Path otherKey = valid("relay.example.net").writeKey(folder.resolve("other.key"));

        int code = run("setup", "tls", "--cert", cert.toString(), "--key", otherKey.toString(), "--host", "relay.example.net");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("setup tls: the key does not belong to the first certificate (CN=relay.example.net");
    }

    @Test
    void refusesAShortKey() {
        TestPki.Identity weak = intermediate.issue("relay.example.net", NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(200)), 1024, "relay.example.net");

        assertThat(check(weak)).isEqualTo(1);
        assertThat(err.toString()).contains("setup tls: the certificate's RSA key has 1024 bits; at least 2048 are needed");
    }

    @Test
    void refusesAChainOutOfOrder() throws IOException {
        TestPki.Identity identity = valid("relay.example.net");
        List<X509Certificate> chain = identity.chain();
        Path cert = pem(folder.resolve("cert.pem"), chain.get(0), chain.get(2), chain.get(1));
        Path key = identity.writeKey(folder.resolve("key.pem"));

        int code = run("setup", "tls", "--cert", cert.toString(), "--key", key.toString(), "--host", "relay.example.net");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("setup tls: chain out of order: certificate 2 (CN=Setup Test Root,O=T2T Rewrite tests)"
            + " did not issue certificate 1 (CN=relay.example.net,O=T2T Rewrite tests, issued by CN=Setup Test Intermediate");
    }

    @Test
    void installsIntoTheWorkDirWhereRelayFindsIt() throws IOException {
        TestPki.Identity identity = valid("relay.example.net");
        Path work = folder.resolve("work");

        int code = check(identity, "--work-dir", work.toString());

        assertThat(code).as(err.toString()).isZero();
        Path installed = work.resolve("setup/tls");
        assertThat(TlsKeystoreCommand.certificates(installed.resolve("cert.pem")))
            .extracting(X509Certificate::getSubjectX500Principal)
            .containsExactly(identity.certificate().getSubjectX500Principal(), intermediate.certificate().getSubjectX500Principal());
        assertThat(TlsKeystoreCommand.privateKey(installed.resolve("key.pem"))).isEqualTo(identity.key());
        assertThat(Files.getPosixFilePermissions(installed.resolve("key.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(out.toString()).contains("next: restart ./relay --work-dir " + work);
        // What ./relay does with them: tls-keystore accepts the pair.
        Path stores = Files.createDirectory(folder.resolve("stores"));
        assertThat(run("tls-keystore", "--cert", installed.resolve("cert.pem").toString(), "--key",
            installed.resolve("key.pem").toString(), "--out", stores.toString())).as(err.toString()).isZero();
    }

    @Test
    void installsNothingWhenAProblemWasFound() {
        Path work = folder.resolve("work");

        int code = check(valid("other.example.net"), "--work-dir", work.toString());

        assertThat(code).isEqualTo(1);
        assertThat(work.resolve("setup/tls/cert.pem")).doesNotExist();
        assertThat(out.toString()).contains("next: fix the problems above and run setup tls again; nothing was installed");
    }

    @Test
    void readsPkcs12WithItsPassword() throws IOException {
        TestPki.Identity identity = valid("relay.example.net");
        Path p12 = identity.writePkcs12(folder.resolve("relay.p12"), "s3cret".toCharArray());
        Path password = Files.writeString(folder.resolve("password"), "s3cret\n");
        Path work = folder.resolve("work");

        int code = run("setup", "tls", "--cert", p12.toString(), "--password-file", password.toString(), "--host",
            "relay.example.net", "--work-dir", work.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("ok: chain of 3 certificates in order");
        assertThat(TlsKeystoreCommand.privateKey(work.resolve("setup/tls/key.pem"))).isEqualTo(identity.key());
    }

    @Test
    void aWrongPkcs12PasswordIsOneLine() {
        Path p12 = valid("relay.example.net").writePkcs12(folder.resolve("relay.p12"), "s3cret".toCharArray());

        int code = run("setup", "tls", "--cert", p12.toString(), "--host", "relay.example.net");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().trim()).startsWith("t2t-rewrite: " + p12 + ": neither PEM nor a PKCS#12 file this password opens")
            .doesNotContain("\n");
    }

    private static Path pem(Path file, X509Certificate... certificates) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
