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
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * James's WebAdmin on 127.0.0.1, as an operator uses it with curl: kept mail in the
 * {@code file://var/mail/kept/<reason>/} repositories (list, read as .eml, reprocess), queues,
 * health checks and metrics.
 */
final class WebAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    WebAdmin(int port) {
        this.port = port;
    }

    static WebAdmin of(JamesRelay relay) {
        return new WebAdmin(relay.webAdminPort());
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
        for (JsonNode key : json(getBytes("/mailRepositories/" + path.get() + "/mails"))) {
            String encodedKey = URLEncoder.encode(key.asText(), UTF_8);
            JsonNode details = json(getBytes("/mailRepositories/" + path.get() + "/mails/" + encodedKey));
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

    /**
     * Delivers now what waits in a queue for a retry, as the README tells operators to
     * ({@code PATCH /mailQueues/NAME/mails?delayed=true} with {@code {"delayed": false}}; James
     * answers 204).
     */
    void flushDelayed(String queue) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(uri("/mailQueues/" + queue + "/mails?delayed=true"))
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"delayed\": false}")), 204);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    JsonNode json(String path) throws IOException, InterruptedException {
        return json(get(path));
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** {@code GET /healthcheck/checks/<name>}: {@code status}, {@code cause}. */
    JsonNode check(String name) throws IOException, InterruptedException {
        return json("/healthcheck/checks/" + name);
    }

    /** A counter's value in {@code GET /metrics}, where a James meter named N is the Prometheus counter N_total. */
    OptionalDouble counter(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics answered " + response.statusCode() + ": " + response.body());
        }
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name + "_total") + " (\\S+)$").matcher(response.body());
        return value.find() ? OptionalDouble.of(Double.parseDouble(value.group(1))) : OptionalDouble.empty();
    }

    private void awaitTask(String taskId) throws Exception {
        JsonNode done = json(getBytes("/tasks/" + taskId + "/await?timeout=60s"));
        if (!"completed".equals(done.path("status").asText())) {
            throw new IllegalStateException("task " + taskId + " ended " + done);
        }
    }

    private Optional<String> repositoryPath(String reason) throws IOException, InterruptedException {
        for (JsonNode repository : json(getBytes("/mailRepositories"))) {
            String name = repository.path("repository").asText();
            if (name.replaceAll("/+$", "").endsWith("kept/" + reason)) {
                return Optional.of(repository.path("path").asText());
            }
        }
        return Optional.empty();
    }

    private byte[] getBytes(String path) throws IOException, InterruptedException {
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
