package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.assertRelayedAs;
import static org.t2trewrite.server.Messages.message;
import static org.t2trewrite.server.Messages.replaced;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nothing is lost, and nothing waits for a human, when the directory cannot answer: James's first
 * start during a Graph outage, with no persisted snapshot. The mail is not relayed as if nobody
 * were eligible; it goes back into the spool (on disk) and is retried, here every 3 seconds at
 * most 2 times (production: 5 minutes, 1,440 times). Once Graph answers, the next retry rewrites
 * and delivers it; a mail whose retries run out is kept in {@code kept/retries-exhausted}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DirectoryUnavailableIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    @Order(1)
    static final GraphStub GRAPH = GraphStub.downWithoutSnapshot();

    @RegisterExtension
    @Order(2)
    static final JamesRelay RELAY = JamesRelay.builder()
        .editConf("t2trewrite.properties", GRAPH::properties)
        .editConf("jvm.properties", text -> text + "\nt2t.retry.delay=3 seconds\nt2t.retry.maxAttempts=2\n")
        .build();

    @Test
    @Order(1)
    void keepsMailWhoseRetriesRunOutWhileTheDirectoryIsUnavailable() throws Exception {
        byte[] sent = message("exhausted", "Alice <alice@source.example>", "ext@external.example", null, "kept");

        RELAY.send("alice@source.example", List.of("ext@external.example"), sent);

        List<WebAdmin.Kept> kept = RELAY.webAdmin().awaitKept("retries-exhausted", "<exhausted@client.example>", 1, WAIT);
        assertThat(kept).as("kept mail; log tail:%n%s", RELAY.logTail()).hasSize(1);
        // Kept as received: not rewritten, not relayed, its envelope intact.
        assertRelayedAs(kept.get(0).message, sent);
        assertThat(kept.get(0).sender).isEqualTo("alice@source.example");
        assertThat(kept.get(0).recipients).containsExactly("ext@external.example");
        assertThat(RELAY.log()).contains("retry 1 of 2 later").contains("retry 2 of 2 later")
            .contains("gave up after 2 retries, kept in kept-retries-exhausted")
            .contains("directory unavailable");
        assertThat(RELAY.webAdmin().kept("error")).isEmpty();
        assertThat(RELAY.sink().deliveries()).noneMatch(d -> d.dataAsString().contains("<exhausted@client.example>"));
    }

    @Test
    @Order(2)
    void retriesMailUntilTheDirectoryAnswersThenDeliversItOnce() throws Exception {
        byte[] sent = message("retried", "Alice <alice@source.example>", "ext@external.example", null, "retried");
        RELAY.send("alice@source.example", List.of("ext@external.example"), sent);
        awaitLogCount("temporary failure, retry 1 of 2 later", 2);
        assertThat(RELAY.sink().deliveries()).noneMatch(d -> d.dataAsString().contains("<retried@client.example>"));

        GRAPH.graph().down(false);

        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<retried@client.example>"), 1, WAIT);
        assertThat(delivered).as("log tail:%n%s", RELAY.logTail()).hasSize(1);
        assertThat(delivered.get(0).mailFrom()).isEqualTo("alice@target.example");
        assertRelayedAs(delivered.get(0).data(),
            replaced(sent, "From: Alice <alice@source.example>", "From: Alice <alice@target.example>"));
        Thread.sleep(4000);
        assertThat(RELAY.sink().deliveries()).filteredOn(d -> d.dataAsString().contains("<retried@client.example>")).hasSize(1);
        assertThat(RELAY.webAdmin().kept("error")).isEmpty();
        assertThat(RELAY.webAdmin().kept("retries-exhausted")).hasSize(1);
    }

    private static void awaitLogCount(String fragment, int count) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline) && occurrences(RELAY.log(), fragment) < count) {
            Thread.sleep(100);
        }
        assertThat(occurrences(RELAY.log(), fragment)).as("'%s' in the log; tail:%n%s", fragment, RELAY.logTail())
            .isGreaterThanOrEqualTo(count);
    }

    private static long occurrences(String log, String fragment) {
        return log.lines().filter(line -> line.contains(fragment)).count();
    }
}
