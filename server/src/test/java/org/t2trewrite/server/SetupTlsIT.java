package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.message;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.t2trewrite.cli.T2tRewriteCli;
import org.t2trewrite.cli.TestPki;

/**
 * {@code t2t-rewrite setup tls --work-dir W} installs the certificate where {@code ./relay
 * --work-dir W} finds it: the relay started without {@code --tls-cert} does not offer STARTTLS;
 * after setup tls and a restart with the same options it does, with the installed certificate,
 * and a mail passes over it.
 */
class SetupTlsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final TestPki.Identity CA = TestPki.newCa("T2T setup test CA");
    private static final TestPki.Identity RELAY_IDENTITY = CA.issue("relay.test", Instant.now().minus(Duration.ofDays(1)),
        Instant.now().plus(Duration.ofDays(90)), 2048, "relay.test", "127.0.0.1");
    private static final Path FILES = files();

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .launch(JamesRelay.Launch.RELAY_SCRIPT)
        .environment("JAVA_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1")
        .build();

    @Test
    void relayOffersStartTlsWithTheCertificateSetupTlsInstalled() throws Exception {
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            assertThat(client.announces("STARTTLS")).as("before setup tls").isFalse();
        }

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), "setup", "tls",
            "--cert", RELAY_IDENTITY.writeCertificate(FILES.resolve("relay.pem")).toString(),
            "--key", RELAY_IDENTITY.writeKey(FILES.resolve("relay.key")).toString(),
            "--host", "relay.test", "--work-dir", RELAY.workDir().toString());
        assertThat(code).as(err.toString()).isZero();

        RELAY.stop();
        RELAY.restart();

        byte[] mail = message("over-installed-tls", "Alice <alice@source.example>", "ext@external.example", null, "secure");
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            assertThat(client.announces("STARTTLS")).as("after setup tls; log tail:%n%s", RELAY.logTail()).isTrue();
            SSLSession session = client.startTls(TestPki.clientContext(CA.certificate()).getSocketFactory());
            assertThat(((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber())
                .isEqualTo(RELAY_IDENTITY.certificate().getSerialNumber());
            client.send("alice@source.example", List.of("ext@external.example"), mail);
        }
        assertThat(RELAY.sink().await(delivery -> delivery.dataAsString().contains("<over-installed-tls@client.example>"), 1, WAIT))
            .as("log tail:%n%s", RELAY.logTail()).hasSize(1);
        assertThat(RELAY.log()).contains("TLS certificate installed by setup tls: " + RELAY.workDir().resolve("setup/tls/cert.pem"));
    }

    private static Path files() {
        try {
            return Files.createDirectories(Paths.get(System.getProperty("t2t.it.work", "target/it-work")).resolve("SetupTlsIT-files"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
