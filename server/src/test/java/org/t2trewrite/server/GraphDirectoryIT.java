package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.assertRelayedAs;
import static org.t2trewrite.server.Messages.message;
import static org.t2trewrite.server.Messages.replaced;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 5 end to end: a real James 3.8.1 with our extension jar and {@code directory.type=graph},
 * syncing from a loopback Graph ({@link GraphStub}) every second, relaying to the SMTP sink. Proves
 * that group changes made in Graph reach the mail path without a restart, and that a Graph outage
 * does not stop mail: James keeps rewriting on the last snapshot.
 *
 * <p>The waits for a change are bounded by the "live within 15 s"; each one sends a probe
 * mail, waits for its delivery and looks at how it came out, so what is measured is the mail
 * path itself. The measured delays are printed (failsafe report output), not asserted.
 */
class GraphDirectoryIT {
    private static final Duration LIVE_WITHIN = Duration.ofSeconds(15);
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @RegisterExtension
    @Order(1)
    static final GraphStub GRAPH = new GraphStub();

    @RegisterExtension
    @Order(2)
    static final JamesRelay RELAY = JamesRelay.builder()
        .editConf("t2trewrite.properties", GRAPH::properties)
        .build();

    /** Until the first sync, lookups are Unavailable and mail would be kept in the error folder: by design. */
    @BeforeAll
    static void awaitFirstSync() throws Exception {
        awaitLog("Graph directory: 3 people, 1 DayOne");
    }

    @Test
    void rewritesAMemberAddedInGraphAndStopsOnceRemoved() throws Exception {
        byte[] before = message(next("dave"), "Dave <dave@source.example>", "ext@external.example", null, "before");
        RELAY.send("dave@source.example", List.of("ext@external.example"), before);
        SmtpSink.Delivery notYet = delivered(before);
        assertThat(notYet.mailFrom()).isEqualTo("dave@source.example");
        assertRelayedAs(notYet.data(), before);

        try {
            Instant added = Instant.now();
            GRAPH.source().addMember(GraphStub.DAY_ONE_ID, "s-dave");
            Probe rewritten = sendUntil("dave", d -> d.mailFrom().equals("dave@target.example"));
            report("added to DayOne", added, rewritten);

            assertThat(rewritten.delivery.mailFrom()).isEqualTo("dave@target.example");
            assertRelayedAs(rewritten.delivery.data(),
                replaced(rewritten.sent, "From: Dave <dave@source.example>", "From: Dave <dave@target.example>"));
        } finally {
            GRAPH.source().removeMember(GraphStub.DAY_ONE_ID, "s-dave");
        }
        Instant removed = Instant.now();
        Probe plain = sendUntil("dave", d -> d.mailFrom().equals("dave@source.example"));
        report("removed from DayOne", removed, plain);

        assertThat(plain.delivery.mailFrom()).isEqualTo("dave@source.example");
        assertRelayedAs(plain.delivery.data(), plain.sent);
    }

    @Test
    void keepsRelayingOnTheLastSnapshotWhileGraphIsDown() throws Exception {
        // Known to the snapshot before the outage: alice is DayOne.
        sendUntil("alice", d -> d.mailFrom().equals("alice@target.example"));
        GRAPH.graph().down(true);
        try {
            awaitLog("Graph directory: sync failed, keeping the snapshot");
            // Made during the outage: James cannot see it until Graph answers again.
            GRAPH.source().addMember(GraphStub.DAY_ONE_ID, "s-frank");

            byte[] fromAlice = message(next("alice"), "Alice <alice@source.example>", "ext@external.example", null, "outage");
            byte[] fromFrank = message(next("frank"), "Frank <frank@source.example>", "ext@external.example", null, "outage");
            RELAY.send("alice@source.example", List.of("ext@external.example"), fromAlice);
            RELAY.send("frank@source.example", List.of("ext@external.example"), fromFrank);

            SmtpSink.Delivery alice = delivered(fromAlice);
            assertThat(alice.mailFrom()).isEqualTo("alice@target.example");
            assertRelayedAs(alice.data(), replaced(fromAlice, "From: Alice <alice@source.example>", "From: Alice <alice@target.example>"));
            SmtpSink.Delivery frank = delivered(fromFrank);
            assertThat(frank.mailFrom()).isEqualTo("frank@source.example");
            assertRelayedAs(frank.data(), fromFrank);
            assertThat(keptInError()).as("mail kept by the error processor").isEmpty();

            Instant recovered = Instant.now();
            GRAPH.graph().down(false);
            Probe caughtUp = sendUntil("frank", d -> d.mailFrom().equals("frank@target.example"));
            report("change made during the outage, after Graph is back", recovered, caughtUp);
            assertThat(caughtUp.delivery.mailFrom()).isEqualTo("frank@target.example");
            assertThat(RELAY.log()).contains("Graph directory: sync recovered");
        } finally {
            GRAPH.graph().down(false);
            GRAPH.source().removeMember(GraphStub.DAY_ONE_ID, "s-frank");
        }
    }

    @Test
    void persistsTheSnapshotAndNeverLogsTheClientSecrets() throws Exception {
        sendUntil("alice", d -> d.mailFrom().equals("alice@target.example"));

        assertThat(GRAPH.snapshotFile()).isNotEmptyFile();
        assertThat(RELAY.log()).contains("directory: Microsoft Graph");
        for (String secret : GraphStub.secrets()) {
            assertThat(RELAY.log()).doesNotContain(secret);
            assertThat(GRAPH.snapshotFile()).content().doesNotContain(secret);
        }
    }

    /** A probe mail and how it was delivered. */
    private static final class Probe {
        final byte[] sent;
        final SmtpSink.Delivery delivery;
        final Instant sentAt;

        Probe(byte[] sent, SmtpSink.Delivery delivery, Instant sentAt) {
            this.sent = sent;
            this.delivery = delivery;
            this.sentAt = sentAt;
        }
    }

    /**
     * Sends a mail from {@code person}@source.example every 200 ms until one is delivered as
     * {@code done} says, at most for {@link #LIVE_WITHIN}; returns the last probe either way, so the
     * caller's assertion shows how it came out.
     */
    private static Probe sendUntil(String person, Predicate<SmtpSink.Delivery> done) throws Exception {
        String name = Character.toUpperCase(person.charAt(0)) + person.substring(1);
        Instant deadline = Instant.now().plus(LIVE_WITHIN);
        Probe last;
        do {
            byte[] sent = message(next(person), name + " <" + person + "@source.example>", "ext@external.example", null, "probe");
            Instant sentAt = Instant.now();
            RELAY.send(person + "@source.example", List.of("ext@external.example"), sent);
            last = new Probe(sent, delivered(sent), sentAt);
            if (done.test(last.delivery)) {
                return last;
            }
            Thread.sleep(200);
        } while (Instant.now().isBefore(deadline));
        return last;
    }

    private static SmtpSink.Delivery delivered(byte[] sent) throws InterruptedException {
        String text = Messages.text(sent);
        int start = text.indexOf("Message-ID: <") + "Message-ID: <".length();
        String messageId = text.substring(start, text.indexOf('>', start) + 1);
        List<SmtpSink.Delivery> deliveries = RELAY.sink().await(d -> d.dataAsString().contains(messageId), 1, DELIVERY_WAIT);
        assertThat(deliveries).as("deliveries of %s; James log tail:%n%s", messageId, RELAY.logTail()).hasSize(1);
        return deliveries.get(0);
    }

    private static void awaitLog(String fragment) throws Exception {
        Instant deadline = Instant.now().plus(DELIVERY_WAIT);
        while (Instant.now().isBefore(deadline) && !RELAY.log().contains(fragment)) {
            Thread.sleep(100);
        }
        assertThat(RELAY.log()).contains(fragment);
    }

    private static List<WebAdmin.Kept> keptInError() throws Exception {
        return RELAY.webAdmin().kept("error");
    }

    private static String next(String person) {
        return "graph-" + person + "-" + SEQUENCE.incrementAndGet();
    }

    private static void report(String change, Instant madeAt, Probe probe) {
        System.out.printf("GraphDirectoryIT: %s: first probe showing it was sent %d ms after the change (sync interval %s)%n",
            change, Duration.between(madeAt, probe.sentAt).toMillis(), GraphStub.SYNC_INTERVAL);
    }
}
