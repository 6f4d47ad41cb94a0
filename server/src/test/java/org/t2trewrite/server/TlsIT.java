package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.message;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.t2trewrite.cli.TestPki;

/**
 * TLS on a real James started by {@code ./relay --tls-cert --tls-key --tls-trust}, as an operator
 * starts it: inbound STARTTLS with the operator's PEM files (TLS 1.2 and 1.3 only), outbound
 * STARTTLS to a gateway whose certificate chains to the given CA, the relay's certificate
 * presented as the client certificate, and the inbound certificate replaced through WebAdmin.
 * {@link OutboundTlsRetryIT} has the gateways whose certificates must not be accepted.
 *
 * <p>James runs with TLS 1.0 and 1.1 re-enabled in its JVM ({@code jdk.tls.disabledAlgorithms}),
 * so that refusing them is smtpserver.xml's doing, not the JDK's default.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final TestPki.Identity CA = TestPki.newCa("T2T test CA");
    private static final TestPki.Identity RELAY_IDENTITY = CA.issue("relay.test", "127.0.0.1", "localhost");
    /** The gateway RemoteDelivery reaches at 127.0.0.1: the name in the certificate is that address. */
    private static final TestPki.Identity GATEWAY_IDENTITY = CA.issue("127.0.0.1", "127.0.0.1");

    private static final Path FILES = files();
    private static final Path RELAY_CERT = RELAY_IDENTITY.writeCertificate(FILES.resolve("relay.pem"));
    private static final Path RELAY_KEY = RELAY_IDENTITY.writeKey(FILES.resolve("relay.key"));
    private static final Path TRUSTED_CA = CA.writeCertificate(FILES.resolve("ca.pem"));
    private static final Path LEGACY_TLS = write(FILES.resolve("legacy-tls.security"),
        // JDK 17's list without TLSv1 and TLSv1.1.
        "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, MD5withRSA, DH keySize < 1024, EC keySize < 224, 3DES_EDE_CBC, anon, NULL\n");

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .launch(JamesRelay.Launch.RELAY_SCRIPT)
        .relayOptions("--tls-cert", RELAY_CERT.toString(), "--tls-key", RELAY_KEY.toString(), "--tls-trust", TRUSTED_CA.toString())
        .environment("JAVA_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1 -Djava.security.properties=" + LEGACY_TLS)
        .build();

    @BeforeAll
    static void gatewayOffersStartTlsAndAsksForAClientCertificate() {
        RELAY.sink().offerStartTls(GATEWAY_IDENTITY.context(CA.certificate()), true);
    }

    @Test
    @Order(1)
    void announcesStartTls() throws Exception {
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            assertThat(client.announces("STARTTLS")).isTrue();
        }
        assertThat(RELAY.log()).contains("STARTTLS offered with " + RELAY_CERT);
    }

    @Test
    @Order(2)
    void relaysMailReceivedOverStartTlsToTheGatewayOverVerifiedTlsWithItsClientCertificate() throws Exception {
        byte[] sent = message("over-tls", "Alice <alice@source.example>", "ext@external.example", null, "over TLS");

        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            SSLSession session = client.startTls(TestPki.clientContext(CA.certificate()).getSocketFactory());
            assertThat(session.getPeerCertificates()[0]).isEqualTo(RELAY_IDENTITY.certificate());
            assertThat(session.getProtocol()).isIn("TLSv1.2", "TLSv1.3");
            client.send("alice@source.example", List.of("ext@external.example"), sent);
        }

        List<SmtpSink.Delivery> deliveries = RELAY.sink().await(withId("over-tls"), 1, WAIT);
        assertThat(deliveries).as("log tail:%n%s", RELAY.logTail()).hasSize(1);
        SmtpSink.Delivery delivery = deliveries.get(0);
        // Rewritten as any DayOne mail is: TLS changes nothing of what the relay does.
        assertThat(delivery.mailFrom()).isEqualTo("alice@target.example");
        assertThat(delivery.tlsProtocol()).hasValueSatisfying(protocol -> assertThat(protocol).isIn("TLSv1.2", "TLSv1.3"));
        assertThat(delivery.clientCertificateSubject())
            .hasValue(RELAY_IDENTITY.certificate().getSubjectX500Principal().getName());
    }

    @Test
    @Order(3)
    void acceptsPlainMailWhenTlsIsNotRequired() throws Exception {
        byte[] sent = message("plain", "Dave <dave@source.example>", "ext@external.example", null, "plain");

        RELAY.send("dave@source.example", List.of("ext@external.example"), sent);

        assertThat(RELAY.sink().await(withId("plain"), 1, WAIT)).hasSize(1);
    }

    @Test
    @Order(4)
    void refusesTls10And11ButNegotiatesTls12And13WithTheSameClient() throws Exception {
        assertThat(probe("TLSv1")).startsWith("refused:");
        assertThat(probe("TLSv1.1")).startsWith("refused:");
        assertThat(probe("TLSv1.2")).isEqualTo("negotiated TLSv1.2");
        assertThat(probe("TLSv1.3")).isEqualTo("negotiated TLSv1.3");
        // smtpserver.xml's supportedProtocols, not the JDK's defaults (re-enabled in James's JVM).
        assertThat(RELAY.log()).contains("The client supported protocol versions [TLSv1.1] are not accepted by server preferences [TLSv1.3, TLSv1.2]");
    }

    @Test
    @Order(5)
    void presentsAReplacedCertificateAfterWebAdminReloadsIt() throws Exception {
        TestPki.Identity renewed = CA.issue("relay-renewed.test", "127.0.0.1");
        renewed.writeCertificate(RELAY_CERT);
        renewed.writeKey(RELAY_KEY);

        HttpResponse<String> reload = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + RELAY.webAdminPort() + "/servers?reload-certificate"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(204);
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            SSLSession session = client.startTls(TestPki.clientContext(CA.certificate()).getSocketFactory());
            assertThat(session.getPeerCertificates()[0]).isEqualTo(renewed.certificate());
        }
    }

    private static Predicate<SmtpSink.Delivery> withId(String id) {
        return delivery -> delivery.dataAsString().contains("Message-ID: <" + id + "@client.example>");
    }

    /** Runs {@link TlsProbe} in its own JVM, TLS 1.0 and 1.1 re-enabled there as in James's. */
    private static String probe(String protocol) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.security.properties=" + LEGACY_TLS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TlsProbe.class.getName());
        command.add(String.valueOf(RELAY.smtpPort()));
        command.add(protocol);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    private static Path files() {
        try {
            Path folder = Paths.get(System.getProperty("t2t.it.work", "target/it-work")).resolve("TlsIT-files");
            return Files.createDirectories(folder);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
