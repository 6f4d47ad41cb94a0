package org.t2trewrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsKeystoreCommandTest {
    private static final TestPki.Identity CA = TestPki.newCa("Test CA");
    private static final TestPki.Identity RELAY = CA.issue("relay.target.example", "relay.target.example");

    @TempDir
    Path folder;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void writesTheClientStoreWithTheCertificateChainAndKey() throws Exception {
        Path cert = RELAY.writeCertificate(folder.resolve("relay.pem"));
        Path key = RELAY.writeKey(folder.resolve("relay.key"));
        Path tls = Files.createDirectory(folder.resolve("tls"));

        int exit = run("tls-keystore", "--cert", cert.toString(), "--key", key.toString(), "--out", tls.toString());

        assertThat(exit).as(err.toString()).isZero();
        Properties jsse = properties(tls);
        assertThat(jsse.getProperty("javax.net.ssl.keyStore")).isEqualTo(tls.resolve("client.p12").toAbsolutePath().toString());
        assertThat(jsse.getProperty("javax.net.ssl.keyStoreType")).isEqualTo("PKCS12");
        assertThat(jsse).doesNotContainKey("javax.net.ssl.trustStore");
        char[] password = jsse.getProperty("javax.net.ssl.keyStorePassword").toCharArray();
        KeyStore store = load(tls.resolve("client.p12"), password);
        assertThat(Collections.list(store.aliases())).containsExactly(TlsKeystoreCommand.CLIENT_ALIAS);
        assertThat(store.getCertificateChain(TlsKeystoreCommand.CLIENT_ALIAS)).containsExactly(RELAY.certificate());
        assertThat(store.getKey(TlsKeystoreCommand.CLIENT_ALIAS, password)).isEqualTo(RELAY.key());
        assertThat(out.toString()).contains("client certificate CN=relay.target.example");
        // The password is in jsse.properties only: never on the terminal.
        assertThat(out.toString() + err.toString()).doesNotContain(new String(password));
    }

    @Test
    void makesEveryFileReadableByItsOwnerOnly() throws Exception {
        Path tls = Files.createDirectory(folder.resolve("tls"));

        run("tls-keystore", "--cert", RELAY.writeCertificate(folder.resolve("relay.pem")).toString(),
            "--key", RELAY.writeKey(folder.resolve("relay.key")).toString(),
            "--trust", CA.writeCertificate(folder.resolve("ca.pem")).toString(), "--out", tls.toString());

        for (String name : new String[] {"client.p12", "trust.p12", "jsse.properties"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(name)))).as(name).isEqualTo("rw-------");
        }
    }

    @Test
    void trustsTheGivenCaInAdditionToTheJvmCas() throws Exception {
        Path ca = CA.writeCertificate(folder.resolve("ca.pem"));
        Path tls = Files.createDirectory(folder.resolve("tls"));

        int exit = run("tls-keystore", "--trust", ca.toString(), "--out", tls.toString());

        assertThat(exit).as(err.toString()).isZero();
        Properties jsse = properties(tls);
        assertThat(jsse).doesNotContainKey("javax.net.ssl.keyStore");
        KeyStore store = load(Path.of(jsse.getProperty("javax.net.ssl.trustStore")), jsse.getProperty("javax.net.ssl.trustStorePassword").toCharArray());
        assertThat(Collections.list(store.aliases()).stream().map(alias -> certificate(store, alias)))
            .contains(CA.certificate())
            // The JVM's public CAs stay trusted (Graph, and a gateway with a public certificate).
            .hasSizeGreaterThan(10);
    }

    @Test
    void warnsWhenTheCertificateIsNotForClientAuthentication() throws Exception {
        TestPki.Identity serverOnly = CA.issueServerOnly("relay.target.example");
        Path cert = serverOnly.writeCertificate(folder.resolve("relay.pem"));
        Path tls = Files.createDirectory(folder.resolve("tls"));

        int exit = run("tls-keystore", "--cert", cert.toString(), "--key", serverOnly.writeKey(folder.resolve("relay.key")).toString(),
            "--out", tls.toString());

        assertThat(exit).isZero();
        assertThat(err.toString()).contains("warning: " + cert + ": its extended key usage lacks clientAuth");
    }

    @Test
    void doesNotWarnAboutACertificateForClientAuthentication() throws Exception {
        Path tls = Files.createDirectory(folder.resolve("tls"));

        run("tls-keystore", "--cert", RELAY.writeCertificate(folder.resolve("relay.pem")).toString(),
            "--key", RELAY.writeKey(folder.resolve("relay.key")).toString(), "--out", tls.toString());

        assertThat(err.toString()).isEmpty();
    }

    @Test
    void refusesAKeyThatIsNotTheCertificates() throws Exception {
        TestPki.Identity other = CA.issue("other.example");
        Path tls = Files.createDirectory(folder.resolve("tls"));

        int exit = run("tls-keystore", "--cert", RELAY.writeCertificate(folder.resolve("relay.pem")).toString(),
            "--key", other.writeKey(folder.resolve("other.key")).toString(), "--out", tls.toString());

        assertThat(exit).isEqualTo(T2tRewriteCli.FAILED);
        assertThat(err.toString()).contains("other.key is not the private key of the first certificate in")
            .contains("CN=relay.target.example");
        assertThat(tls).isEmptyDirectory();
    }

    @Test
    void refusesAFileWithoutACertificateNamingIt() throws Exception {
        Path notACert = Files.writeString(folder.resolve("relay.pem"), "hello\n");
        Path tls = Files.createDirectory(folder.resolve("tls"));

        int exit = run("tls-keystore", "--cert", notACert.toString(), "--key", RELAY.writeKey(folder.resolve("relay.key")).toString(),
            "--out", tls.toString());

        assertThat(exit).isEqualTo(T2tRewriteCli.FAILED);
        assertThat(err.toString()).contains(notACert.toString());
    }

    @Test
    void refusesACertificateWithoutItsKey() throws Exception {
        int exit = run("tls-keystore", "--cert", RELAY.writeCertificate(folder.resolve("relay.pem")).toString(), "--out", folder.toString());

        assertThat(exit).isEqualTo(T2tRewriteCli.FAILED);
        assertThat(err.toString()).contains("--cert and --key go together");
    }

    private static Properties properties(Path tls) throws Exception {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(tls.resolve(TlsKeystoreCommand.PROPERTIES))) {
            properties.load(in);
        }
        return properties;
    }

    private static KeyStore load(Path file, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    private static X509Certificate certificate(KeyStore store, String alias) {
        try {
            return (X509Certificate) store.getCertificate(alias);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
