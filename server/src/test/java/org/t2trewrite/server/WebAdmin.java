package org.t2trewrite.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * James's WebAdmin on 127.0.0.1, as an operator uses it with curl: kept mail in the
 * {@code file://var/mail/kept/<reason>/} repositories (list, read as .eml, reprocess), queues, health.
 */
final class WebAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    WebAdmin(int port) {
        this.port = port;
    }

    /** One mail kept in a repository: its envelope as James stored it, and its bytes. */
    static final class Kept {
        final String key;
        final String sender;
        final List<String> recipients;
        final String error;
        final String state;
        final byte[] message;

        Kept(String key, JsonNode details, byte[] message) {
            this.key = key;
            this.sender = details.path("sender").asText("");
            List<String> rcpts = new ArrayList<>();
            details.path("recipients").forEach(r -> rcpts.add(r.asText()));
            this.recipients = List.copyOf(rcpts);
            this.error = details.path("error").asText("");
            this.state = details.path("state").asText("");
            this.message = message;
        }

        String text() {
            return new String(message, UTF_8);
        }
    }

    /** The mails kept for {@code reason} (repository {@code var/mail/kept/<reason>}); none if it does not exist yet. */
    List<Kept> kept(String reason) throws IOException, InterruptedException {
        Optional<String> path = repositoryPath(reason);
        if (path.isEmpty()) {
            return List.of();
        }
        List<Kept> mails = new ArrayList<>();
        for (JsonNode key : json(get("/mailRepositories/" + path.get() + "/mails"))) {
            String encodedKey = URLEncoder.encode(key.asText(), UTF_8);
            JsonNode details = json(get("/mailRepositories/" + path.get() + "/mails/" + encodedKey));
            byte[] eml = send(HttpRequest.newBuilder(uri("/mailRepositories/" + path.get() + "/mails/" + encodedKey))
                .header("Accept", "message/rfc822").GET(), 200).body();
            mails.add(new Kept(key.asText(), details, eml));
        }
        return mails;
    }

    /** Waits until {@code count} kept mails for {@code reason} contain {@code marker}. */
    List<Kept> awaitKept(String reason, String marker, int count, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        List<Kept> matching = List.of();
        while (Instant.now().isBefore(deadline)) {
            matching = kept(reason).stream().filter(k -> k.text().contains(marker)).collect(java.util.stream.Collectors.toList());
            if (matching.size() >= count) {
                return matching;
            }
            Thread.sleep(300);
        }
        return matching;
    }

    /**
     * Reprocesses every mail kept for {@code reason} from the start of the pipeline, as the README
     * tells operators to ({@code PATCH ...?action=reprocess&processor=root}), and waits for the task.
     */
    void reprocessAll(String reason) throws Exception {
        String path = repositoryPath(reason).orElseThrow(() -> new IllegalStateException("no repository for " + reason));
        JsonNode task = json(send(HttpRequest.newBuilder(uri("/mailRepositories/" + path + "/mails?action=reprocess&processor=root"))
            .method("PATCH", HttpRequest.BodyPublishers.noBody()), 201).body());
        awaitTask(task.path("taskId").asText());
    }

    /** Delivers now what waits in a queue for a retry ({@code PATCH /mailQueues/NAME?delayed=true}). */
    void flushDelayed(String queue) throws Exception {
        JsonNode task = json(send(HttpRequest.newBuilder(uri("/mailQueues/" + queue + "?delayed=true"))
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"delayed\": false}")), 201).body());
        awaitTask(task.path("taskId").asText());
    }

    /** How many mails a queue holds ({@code GET /mailQueues/NAME}); 0 for a queue not created yet. */
    long queueSize(String queue) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/mailQueues/" + queue)).GET(), -1);
        if (response.statusCode() == 404) {
            return 0;
        }
        return json(response.body()).path("size").asLong();
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        return json(get(path));
    }

    private void awaitTask(String taskId) throws Exception {
        JsonNode done = json(get("/tasks/" + taskId + "/await?timeout=60s"));
        if (!"completed".equals(done.path("status").asText())) {
            throw new IllegalStateException("task " + taskId + " ended " + done);
        }
    }

    private Optional<String> repositoryPath(String reason) throws IOException, InterruptedException {
        for (JsonNode repository : json(get("/mailRepositories"))) {
            String name = repository.path("repository").asText();
            if (name.replaceAll("/+$", "").endsWith("kept/" + reason)) {
                return Optional.of(repository.path("path").asText());
            }
        }
        return Optional.empty();
    }

    private byte[] get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET(), 200).body();
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (expectedStatus > 0 && response.statusCode() != expectedStatus) {
            throw new IOException(request.build().method() + " " + request.build().uri() + ": HTTP " + response.statusCode()
                + " " + new String(response.body(), UTF_8));
        }
        return response;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static JsonNode json(byte[] body) throws IOException {
        return JSON.readTree(body);
    }
}
