package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.message;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.t2trewrite.cli.T2tRewriteCli;
import org.t2trewrite.cli.TestPki;

/**
 * A gateway whose certificate the relay cannot verify gets nothing: not when its CA is unknown,
 * not when its CA is trusted but the certificate names another host; the mail is not lost but
 * retried, and delivered once the gateway presents a certificate that verifies. The trust store is
 * the one {@code ./relay --tls-trust} makes ({@code tls-keystore}), appended to jvm.properties as
 * {@code ./relay} does, with retries every second instead of the production schedule.
 */
class OutboundTlsRetryIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static final TestPki.Identity CA = TestPki.newCa("T2T test CA");
    /** The gateway RemoteDelivery reaches at 127.0.0.1: the name in the certificate is that address. */
    private static final TestPki.Identity GATEWAY_IDENTITY = CA.issue("127.0.0.1", "127.0.0.1");
    private static final TestPki.Identity STRANGER = TestPki.newCa("Stranger CA").issue("127.0.0.1", "127.0.0.1");
    private static final TestPki.Identity WRONG_NAME = CA.issue("other.example", "other.example");

    private static final String JSSE_PROPERTIES = trustStoreProperties();

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .editConf("jvm.properties", text -> text + "\nt2t.delivery.delays=129*1 second\n" + JSSE_PROPERTIES)
        .build();

    @Test
    void keepsMailForAGatewayItCannotVerifyAndDeliversItOnceItCan() throws Exception {
        RELAY.sink().offerStartTls(STRANGER.context(CA.certificate()), false);
        byte[] sent = message("unverified", "Queued <queued@external.example>", "ext@external.example", null, "unverified");

        RELAY.send("queued@external.example", List.of("ext@external.example"), sent);

        // The relay breaks off the handshake: it does not trust the stranger's CA. A temporary
        // failure for RemoteDelivery: the mail waits in its outgoing queue for the next attempt.
        await(() -> RELAY.sink().failedHandshakes() > 0, "refused handshake");
        // Trusted CA, wrong name: the handshake succeeds, javax.mail's identity check refuses it.
        RELAY.sink().offerStartTls(WRONG_NAME.context(CA.certificate()), false);
        int sessionsBefore = RELAY.sink().tlsSessions();
        await(() -> RELAY.sink().tlsSessions() > sessionsBefore, "retry");
        assertThat(RELAY.sink().deliveries()).noneMatch(withId("unverified"));
        assertThat(RELAY.log()).contains("Could not convert socket to TLS");

        RELAY.sink().offerStartTls(GATEWAY_IDENTITY.context(CA.certificate()), false);

        List<SmtpSink.Delivery> deliveries = RELAY.sink().await(withId("unverified"), 1, WAIT);
        assertThat(deliveries).as("log tail:%n%s", RELAY.logTail()).hasSize(1);
        assertThat(deliveries.get(0).tlsProtocol()).isPresent();
    }

    private static Predicate<SmtpSink.Delivery> withId(String id) {
        return delivery -> delivery.dataAsString().contains("Message-ID: <" + id + "@client.example>");
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no " + what + " within " + WAIT + "; log tail:\n" + RELAY.logTail());
            }
            Thread.sleep(200);
        }
    }

    /** What {@code ./relay --tls-trust ca.pem} appends to jvm.properties. */
    private static String trustStoreProperties() {
        try {
            Path files = Files.createDirectories(Paths.get(System.getProperty("t2t.it.work", "target/it-work"))
                .resolve("OutboundTlsRetryIT-files"));
            Path tls = files.resolve("tls");
            if (!Files.isDirectory(tls)) {
                Files.createDirectory(tls);
            }
            StringWriter err = new StringWriter();
            int exit = T2tRewriteCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "tls-keystore",
                "--trust", CA.writeCertificate(files.resolve("ca.pem")).toString(), "--out", tls.toString());
            if (exit != 0) {
                throw new IllegalStateException("tls-keystore failed (" + exit + "): " + err);
            }
            return Files.readString(tls.resolve("jsse.properties"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
