package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.t2trewrite.cli.TestPki;

/**
 * {@code ./relay --require-tls}: James loads our {@code RequireStartTls} hook from the extension
 * jar into its SMTP handler chain; a client that has not done STARTTLS gets {@code 530} at
 * {@code MAIL FROM} and cannot hand over a mail; after STARTTLS the same client can.
 */
class RequireTlsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final TestPki.Identity CA = TestPki.newCa("T2T test CA");
    private static final TestPki.Identity RELAY_IDENTITY = CA.issue("relay.test", "127.0.0.1");
    private static final Path FILES = files();

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .launch(JamesRelay.Launch.RELAY_SCRIPT)
        .relayOptions("--tls-cert", RELAY_IDENTITY.writeCertificate(FILES.resolve("relay.pem")).toString(),
            "--tls-key", RELAY_IDENTITY.writeKey(FILES.resolve("relay.key")).toString(), "--require-tls")
        .environment("JAVA_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1")
        .build();

    @Test
    void refusesMailBeforeStartTlsAndAcceptsItAfter() throws Exception {
        byte[] plain = message("before-starttls", "Alice <alice@source.example>", "ext@external.example", null, "plain");
        byte[] secure = message("after-starttls", "Alice <alice@source.example>", "ext@external.example", null, "secure");

        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            assertThat(client.announces("STARTTLS")).isTrue();

            SmtpClient.Reply mailFrom = client.command("MAIL FROM:<alice@source.example>");
            SmtpClient.Reply rcptTo = client.command("RCPT TO:<ext@external.example>");
            SmtpClient.Reply data = client.command("DATA");

            assertThat(mailFrom).hasToString("530 5.7.0 Must issue a STARTTLS command first");
            assertThat(rcptTo.isPositive()).as("RCPT TO after a refused MAIL: %s", rcptTo).isFalse();
            assertThat(data.isPositive()).as("DATA after a refused MAIL: %s", data).isFalse();
            if (data.code() == 354) {
                client.data(plain);
            }

            client.startTls(TestPki.clientContext(CA.certificate()).getSocketFactory());
            client.send("alice@source.example", List.of("ext@external.example"), secure);
        }

        assertThat(RELAY.sink().await(delivery -> delivery.dataAsString().contains("<after-starttls@client.example>"), 1, WAIT))
            .as("log tail:%n%s", RELAY.logTail()).hasSize(1);
        // The later mail is through the relay, so the refused one would have been too.
        assertThat(RELAY.sink().deliveries()).noneMatch(delivery -> delivery.dataAsString().contains("<before-starttls@client.example>"));
        assertThat(RELAY.log()).contains("STARTTLS offered with").contains("required before MAIL FROM");
    }

    private static Path files() {
        try {
            return Files.createDirectories(Paths.get(System.getProperty("t2t.it.work", "target/it-work")).resolve("RequireTlsIT-files"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
