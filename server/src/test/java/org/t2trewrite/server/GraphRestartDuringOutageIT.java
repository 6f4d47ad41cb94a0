package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.assertRelayedAs;
import static org.t2trewrite.server.Messages.message;
import static org.t2trewrite.server.Messages.replaced;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A James started while Graph is down (every request, token endpoint included, answers 503),
 * with the snapshot file an earlier run left ({@code graph-snapshot.json}: alice DayOne, dave and
 * frank in no group). It must relay and rewrite from that file instead of keeping all mail as
 * Unavailable.
 */
class GraphRestartDuringOutageIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    @Order(1)
    static final GraphStub GRAPH = GraphStub.downWithPersistedSnapshot("/graph-snapshot.json");

    @RegisterExtension
    @Order(2)
    static final JamesRelay RELAY = JamesRelay.builder()
        .editConf("t2trewrite.properties", GRAPH::properties)
        .build();

    @Test
    void rewritesFromThePersistedSnapshotWhenGraphIsDownAtStart() throws Exception {
        byte[] fromAlice = message("restart-alice", "Alice <alice@source.example>", "ext@external.example", null, "restart");
        byte[] fromFrank = message("restart-frank", "Frank <frank@source.example>", "ext@external.example", null, "restart");

        RELAY.send("alice@source.example", List.of("ext@external.example"), fromAlice);
        RELAY.send("frank@source.example", List.of("ext@external.example"), fromFrank);

        SmtpSink.Delivery alice = delivered("restart-alice");
        assertThat(alice.mailFrom()).isEqualTo("alice@target.example");
        assertRelayedAs(alice.data(), replaced(fromAlice, "From: Alice <alice@source.example>", "From: Alice <alice@target.example>"));
        SmtpSink.Delivery frank = delivered("restart-frank");
        assertThat(frank.mailFrom()).isEqualTo("frank@source.example");
        assertRelayedAs(frank.data(), fromFrank);
        assertThat(RELAY.log()).contains("Graph directory: serving 3 people from " + GRAPH.snapshotFile());
        awaitLog("Graph directory: sync failed, keeping the snapshot of 2026-11-20T08:00:00Z");
    }

    private static void awaitLog(String fragment) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline) && !RELAY.log().contains(fragment)) {
            Thread.sleep(100);
        }
        assertThat(RELAY.log()).contains(fragment);
    }

    private static SmtpSink.Delivery delivered(String id) throws InterruptedException {
        List<SmtpSink.Delivery> deliveries = RELAY.sink().await(d -> d.dataAsString().contains("<" + id + "@client.example>"), 1, WAIT);
        assertThat(deliveries).as("deliveries of %s; James log tail:%n%s", id, RELAY.logTail()).hasSize(1);
        return deliveries.get(0);
    }
}
