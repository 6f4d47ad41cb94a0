package org.t2trewrite.graph;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Retries one Graph or token request a few times before its failure reaches the sync loop:
 * <ul>
 *   <li>{@code 429 Too Many Requests} and {@code 503} with {@code Retry-After}: waits exactly as long as
 *   asked (RFC 9110 §10.2.3: seconds or an HTTP-date), as Graph throttling requires; when Graph asks for
 *   longer than {@link #MAX_WAIT}, the response is returned and the sync loop waits instead.</li>
 *   <li>other {@code 5xx} and I/O errors (connection refused, read timeout): exponential back-off, only for
 *   {@code GET}, whose repetition is harmless.</li>
 * </ul>
 * Replaces the SDK's own {@code RetryHandler}, whose waits cannot be observed or bounded from here.
 * Does not retry {@code 4xx} other than 429: those are answers, not accidents.
 */
final class RetryInterceptor implements Interceptor {
    static final int MAX_RETRIES = 3;
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);

    /** Waits; a seam so tests can see the waits without making them. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Sleeper sleeper;

    RetryInterceptor(Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper);
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        boolean idempotent = "GET".equals(request.method());
        for (int attempt = 0; ; attempt++) {
            Response response;
            try {
                response = chain.proceed(request);
            } catch (IOException e) {
                if (!idempotent || attempt >= MAX_RETRIES || chain.call().isCanceled()) {
                    throw e;
                }
                pause(backoff(attempt));
                continue;
            }
            int code = response.code();
            Optional<Duration> retryAfter = retryAfter(response.header("Retry-After"), Instant.now());
            boolean throttled = code == 429 || (code == 503 && retryAfter.isPresent());
            boolean serverError = code >= 500 && code != 501 && code != 505;
            if (attempt >= MAX_RETRIES || !(throttled || (serverError && idempotent))) {
                return response;
            }
            Duration wait = retryAfter.orElse(backoff(attempt));
            if (wait.compareTo(MAX_WAIT) > 0) {
                return response;
            }
            response.close();
            pause(wait);
        }
    }

    private void pause(Duration duration) throws IOException {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }

    private static Duration backoff(int attempt) {
        return FIRST_BACKOFF.multipliedBy(1L << attempt);
    }

    /** Parses {@code Retry-After}: delay-seconds or an IMF-fixdate (RFC 9110 §10.2.3). */
    static Optional<Duration> retryAfter(String value, Instant now) {
        if (value == null || value.trim().isEmpty()) {
            return Optional.empty();
        }
        String trimmed = value.trim();
        if (trimmed.matches("[0-9]{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(trimmed)));
        }
        try {
            Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
