package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.james.transport.mailets.remote.delivery.DelaysAndMaxRetry;
import org.junit.jupiter.api.Test;

/**
 * The shipped delivery retry schedule (james-conf/jvm.properties), read with RemoteDelivery's own
 * parser: a relay keeps trying for about 5 days before it bounces (Postfix's default
 * {@code maximal_queue_lifetime}), and James does not have to correct the numbers (it logs a
 * WARN and stretches the last delay when maxRetries and the schedule disagree).
 */
class RetryScheduleTest {
    private static final Path JVM_PROPERTIES = Paths.get("..", "james-conf", "jvm.properties");

    @Test
    void retriesForAboutFiveDaysBeforeBouncing() throws Exception {
        Properties properties = shipped();
        int maxRetries = Integer.parseInt(properties.getProperty("t2t.delivery.maxRetries"));
        DelaysAndMaxRetry schedule = DelaysAndMaxRetry.from(maxRetries, properties.getProperty("t2t.delivery.delays"));

        List<Duration> delays = schedule.getExpandedDelays();
        Duration total = delays.stream().reduce(Duration.ZERO, Duration::plus);

        assertThat(delays).hasSize(maxRetries);
        assertThat(schedule.getMaxRetries()).isEqualTo(maxRetries);
        assertThat(total).isBetween(Duration.ofDays(5), Duration.ofDays(5).plusHours(2));
        assertThat(delays.get(0)).isEqualTo(Duration.ofMinutes(1));
        assertThat(delays).allMatch(delay -> delay.compareTo(Duration.ofHours(1)) <= 0, "no wait longer than an hour");
    }

    @Test
    void retriesOurOwnTemporaryFailuresAsLong() throws Exception {
        Properties properties = shipped();
        Duration delay = Duration.ofMinutes(Long.parseLong(properties.getProperty("t2t.retry.delay").replace(" minutes", "")));
        int attempts = Integer.parseInt(properties.getProperty("t2t.retry.maxAttempts"));

        assertThat(delay.multipliedBy(attempts)).isEqualTo(Duration.ofDays(5));
    }

    private static Properties shipped() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(JVM_PROPERTIES, StandardCharsets.ISO_8859_1)) {
            properties.load(reader);
        }
        return properties;
    }
}
