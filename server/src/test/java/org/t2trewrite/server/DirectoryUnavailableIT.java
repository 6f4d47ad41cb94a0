package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.assertRelayedAs;
import static org.t2trewrite.server.Messages.message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Nothing is lost when the directory cannot answer: mail is kept by the error processor, not
 * relayed as if nobody were eligible. The directory here is the Microsoft Graph one, pointed at a
 * loopback port where nothing listens, so it never gets a first snapshot (the file directory
 * cannot become unavailable once started: it keeps its last good snapshot).
 */
class DirectoryUnavailableIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int NOTHING_LISTENS = unusedPort();

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .editConf("t2trewrite.properties", properties -> String.join("\n",
            "directory.type=graph",
            "graph.source.tenantId=11111111-1111-1111-1111-111111111111",
            "graph.source.clientId=22222222-2222-2222-2222-222222222222",
            "graph.source.clientSecretEnv=T2T_TEST_GRAPH_SECRET",
            "graph.source.domains=source.example",
            "graph.target.tenantId=33333333-3333-3333-3333-333333333333",
            "graph.target.clientId=44444444-4444-4444-4444-444444444444",
            "graph.target.clientSecretEnv=T2T_TEST_GRAPH_SECRET",
            "graph.target.domains=target.example",
            "graph.groups.dayOne=DayOne",
            "graph.groups.dayTwo=DayTwo",
            "graph.authorityUrl=http://127.0.0.1:" + NOTHING_LISTENS,
            "graph.baseUrl=http://127.0.0.1:" + NOTHING_LISTENS + "/v1.0",
            ""))
        .environment("T2T_TEST_GRAPH_SECRET", "not-a-real-secret")
        .build();

    @Test
    void keepsMailInTheErrorFolderWhileTheDirectoryIsUnavailable() throws Exception {
        byte[] sent = message("unavailable", "Alice <alice@source.example>", "ext@external.example", null, "kept");

        RELAY.send("alice@source.example", List.of("ext@external.example"), sent);

        Path error = RELAY.keptFolder().resolve("error");
        List<Path> kept = EmlFolder.await(error, "<unavailable@client.example>", 1, WAIT);
        assertThat(kept).as("kept mail; log tail:%n%s", RELAY.logTail()).hasSize(1);
        // Kept as received: not rewritten, not relayed.
        assertRelayedAs(Files.readAllBytes(kept.get(0)), sent);
        assertThat(EmlFolder.envelope(kept.get(0)))
            .containsEntry("mail_from", "alice@source.example")
            .containsEntry("rcpts", List.of("ext@external.example"));
        assertThat(RELAY.sink().deliveries()).noneMatch(d -> d.dataAsString().contains("<unavailable@client.example>"));
        assertThat(RELAY.log()).contains("written to " + error);
    }

    @Test
    void reportsTheDirectoryUnhealthyAndCountsTheMailItKept() throws Exception {
        RELAY.send("alice@source.example", List.of("ext@external.example"),
            message("unhealthy", "Alice <alice@source.example>", "ext@external.example", null, "kept"));
        assertThat(EmlFolder.await(RELAY.keptFolder().resolve("error"), "<unhealthy@client.example>", 1, WAIT))
            .as("kept mail; log tail:%n%s", RELAY.logTail()).hasSize(1);
        WebAdmin webAdmin = WebAdmin.of(RELAY);

        HttpResponse<String> health = webAdmin.get("/healthcheck");
        JsonNode directory = webAdmin.check("t2t-directory");

        assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
        assertThat(directory.path("status").asText()).as(directory.toString()).isEqualTo("unhealthy");
        assertThat(directory.path("cause").asText()).startsWith("no directory snapshot, mail that needs the directory is kept in error: ")
            .contains("no Graph directory snapshot yet");
        assertThat(webAdmin.counter("t2t_mail_directory_unavailable").orElse(0)).isPositive();
        assertThat(webAdmin.counter("t2t_mail_kept_error").orElse(0)).isPositive();
    }

    private static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
