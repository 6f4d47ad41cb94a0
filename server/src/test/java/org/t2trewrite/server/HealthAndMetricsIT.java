package org.t2trewrite.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.message;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an operator reads from a running relay through WebAdmin: {@code GET /healthcheck} (James's
 * checks and ours, {@code t2t-directory} and {@code t2t-dkim-keys}) and {@code GET /metrics}
 * (James's metrics in Prometheus text, ours named {@code t2t_*}). One James for the class; the
 * tests run in order because each breaks something the next one builds on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthAndMetricsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TARGET_KEY = "t2t._domainkey.target.example.pem";

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder().build();

    private final WebAdmin webAdmin = WebAdmin.of(RELAY);

    /** Asks again until the answer matches: the directory is polled every second, the key folder every 10. */
    private JsonNode awaitCheck(String name, Predicate<JsonNode> condition) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        JsonNode last = webAdmin.check(name);
        while (!condition.test(last) && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            last = webAdmin.check(name);
        }
        return last;
    }

    private static boolean hasStatus(JsonNode result, String status) {
        return result.path("status").asText().equals(status);
    }

    @Test
    @Order(1)
    void isHealthyAfterStartWithOurChecksListed() throws Exception {
        HttpResponse<String> response = webAdmin.get("/healthcheck");
        JsonNode health = WebAdmin.json(response);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(health.path("status").asText()).as(response.body()).isEqualTo("healthy");
        assertThat(health.path("checks").findValuesAsText("componentName")).contains("t2t-directory", "t2t-dkim-keys");
        assertThat(health.path("checks")).allSatisfy(result -> assertThat(result.path("status").asText())
            .as(result.toString()).isEqualTo("healthy"));
    }

    @Test
    @Order(2)
    void countsDayOneMailRewrittenAndSigned() throws Exception {
        RELAY.send("alice@source.example", List.of("ext@external.example"),
            message("counted", "Alice <alice@source.example>", "ext@external.example", null, "counted"));

        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<counted@client.example>"), 1, WAIT);
        assertThat(delivered).as("log tail:%n%s", RELAY.logTail()).hasSize(1);

        assertThat(webAdmin.counter("t2t_mail_rewritten_sender")).hasValue(1.0);
        assertThat(webAdmin.counter("t2t_mail_signed")).hasValue(1.0);
        assertThat(webAdmin.counter("t2t_dkim_signatures_rsa_sha256")).hasValue(1.0);
        assertThat(webAdmin.counter("t2t_mail_kept_error")).as("registered at start, nothing kept yet").hasValue(0.0);
    }

    @Test
    @Order(3)
    void directoryIsDegradedNamingTheFileWhileItIsInvalidJson() throws Exception {
        Path file = RELAY.directoryFile();
        byte[] good = Files.readAllBytes(file);

        Files.writeString(file, "{\"tenants\": ", UTF_8);
        JsonNode degraded = awaitCheck("t2t-directory", result -> hasStatus(result, "degraded"));

        assertThat(degraded.path("status").asText()).as(degraded.toString()).isEqualTo("degraded");
        assertThat(degraded.path("cause").asText()).startsWith("serving an old directory snapshot (as of ")
            .contains("invalid directory file: " + file + ":1:").contains("malformed JSON");
        assertThat(webAdmin.get("/healthcheck").statusCode()).as("degraded is still 200").isEqualTo(200);

        Files.write(file, good);
        assertThat(awaitCheck("t2t-directory", result -> hasStatus(result, "healthy")).path("status").asText())
            .isEqualTo("healthy");
    }

    @Test
    @Order(4)
    void dkimKeysAreDegradedNamingTheDamagedFileThenTheDomainWithoutAKey() throws Exception {
        Path key = RELAY.dkimKeys().resolve(TARGET_KEY);

        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", UTF_8);
        JsonNode refused = awaitCheck("t2t-dkim-keys", result -> hasStatus(result, "degraded"));

        assertThat(refused.path("cause").asText()).as(refused.toString())
            .contains("last change refused, still signing with the previous keys").contains(TARGET_KEY);

        Files.delete(key);
        JsonNode missing = awaitCheck("t2t-dkim-keys", result -> result.path("cause").asText().contains("no DKIM key"));

        assertThat(missing.path("status").asText()).isEqualTo("degraded");
        assertThat(missing.path("cause").asText()).as(missing.toString())
            .contains("no DKIM key for target.example in " + RELAY.dkimKeys() + ": its rewritten mail is kept in processor 'error'")
            .doesNotContain("refused");
    }

    @Test
    @Order(5)
    void countsTheMailKeptForTheMissingKey() throws Exception {
        RELAY.send("alice@source.example", List.of("ext@external.example"),
            message("keptcount", "Alice <alice@source.example>", "ext@external.example", null, "kept"));

        List<WebAdmin.Kept> kept = webAdmin.awaitKept("error", "<keptcount@client.example>", 1, WAIT);
        assertThat(kept).as("log tail:%n%s", RELAY.logTail()).hasSize(1);

        assertThat(webAdmin.counter("t2t_mail_kept_error")).hasValue(1.0);
        assertThat(webAdmin.counter("t2t_mail_missing_dkim_key")).hasValue(1.0);
        assertThat(webAdmin.counter("t2t_mail_rewritten_sender")).hasValue(2.0);
        assertThat(webAdmin.counter("t2t_mail_signed")).as("the kept mail is not signed").hasValue(1.0);
    }
}
