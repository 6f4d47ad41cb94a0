package org.t2trewrite.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** James's WebAdmin of a test relay, as an operator reads it: health checks and metrics. */
final class WebAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final int port;

    private WebAdmin(int port) {
        this.port = port;
    }

    static WebAdmin of(JamesRelay relay) {
        return new WebAdmin(relay.webAdminPort());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
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
}
