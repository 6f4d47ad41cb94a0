package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.message;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A mail answered {@code 250} is delivered exactly once, whatever happens to the relay's JVM:
 * {@code kill -9} with mail queued for a gateway that is down, {@code kill -9} in the middle of a
 * stream of mail, SIGTERM with mail waiting for a retry; and a gateway outage longer than a
 * short schedule would survive bounces nothing. The queues are James's ActiveMQ queues on disk
 * (RelayServerMain); the memory server lost all of this.
 *
 * <p>Delivery retries are made 1 second apart here (production: 1 minute growing to 1 hour, over
 * 5 days) so that the test does not wait; their number, 129, is production's.
 *
 * <p>Exactly once, with one exception SMTP itself has (RFC 5321 section 6.1): a mail being moved
 * from the spool to the outgoing queue at the instant of a {@code kill -9} may be delivered twice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurableQueueIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern MESSAGE_ID = Pattern.compile("Message-ID: <([^>]+)@client\\.example>");

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .editConf("jvm.properties", text -> text + "\nt2t.delivery.delays=129*1 second\n")
        .build();

    @AfterEach
    void gatewayUp() {
        RELAY.sink().refuse(false);
    }

    @Test
    @Order(1)
    void deliversMailQueuedForADownGatewayOnceAfterKill9() throws Exception {
        RELAY.sink().refuse(true);
        List<String> ids = sendAll("queued", 10);
        awaitRefusedAtLeast(10);

        RELAY.kill();
        RELAY.sink().refuse(false);
        RELAY.restart();

        assertDeliveredOnce(ids);
    }

    @Test
    @Order(2)
    void deliversEveryAcceptedMailOnceAfterKill9InTheMiddleOfAStream() throws Exception {
        List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger attempted = new AtomicInteger();
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 300; i++) {
                String id = "stream-" + i;
                attempted.incrementAndGet();
                try {
                    RELAY.send("alice@source.example", List.of("ext@external.example"), dayOneMail(id));
                } catch (IOException relayGone) {
                    return;
                }
                accepted.add(id);
            }
        });
        while (accepted.size() < 40 && !stream.isDone()) {
            Thread.sleep(20);
        }
        RELAY.kill();
        stream.join();
        List<String> acceptedBeforeKill = List.copyOf(accepted);
        RELAY.restart();

        assertThat(acceptedBeforeKill).as("the kill came in the middle of the stream").hasSizeBetween(40, 299);
        // SMTP is at-least-once (RFC 5321 section 6.1): a mail the relay was moving from the spool to
        // the outgoing queue at the instant of the kill is in both after the restart and comes
        // twice. That can only be one of the last mails accepted (the client sends one at a time).
        List<String> inFlight = acceptedBeforeKill.subList(acceptedBeforeKill.size() - 2, acceptedBeforeKill.size());
        Map<String, Long> counts = awaitDelivered(acceptedBeforeKill);
        assertThat(counts.keySet()).as("nothing accepted is lost; log tail:%n%s", RELAY.logTail()).containsAll(acceptedBeforeKill);
        // At most the one mail in DATA when the JVM died may arrive although its 250 never did.
        assertThat(counts.keySet()).allMatch(id -> acceptedBeforeKill.contains(id) || id.equals("stream-" + acceptedBeforeKill.size()));
        assertThat(counts).as("only a mail in flight at the kill may come twice")
            .allSatisfy((id, n) -> assertThat(n).as(id).isBetween(1L, inFlight.contains(id) ? 2L : 1L));
        long twice = counts.values().stream().filter(n -> n > 1).count();
        System.out.printf("DurableQueueIT: kill -9 after %d accepted of %d attempted; %d delivered, 0 lost, %d twice%n",
            acceptedBeforeKill.size(), attempted.get(), counts.size(), twice);
    }

    @Test
    @Order(3)
    void deliversMailWaitingForARetryAfterSigtermAndRestart() throws Exception {
        RELAY.sink().refuse(true);
        int refusedBefore = RELAY.sink().refusedConnections();
        List<String> ids = sendAll("sigterm", 5);
        awaitRefusedAtLeast(refusedBefore + 5);

        int exit = RELAY.stop();
        assertThat(exit).as("SIGTERM exit; log tail:%n%s", RELAY.logTail()).isEqualTo(143);
        RELAY.sink().refuse(false);
        RELAY.restart();

        assertDeliveredOnce(ids);
    }

    @Test
    @Order(4)
    void keepsRetryingThroughALongGatewayOutageAndBouncesNothing() throws Exception {
        RELAY.sink().refuse(true);
        int refusedBefore = RELAY.sink().refusedConnections();
        List<String> ids = sendAll("outage", 1);
        // The old schedule gave up after 5 attempts (4 retries) and bounced. (A retry here comes
        // about every 10 seconds: the queue looks for due mail that often.)
        awaitRefusedAtLeast(refusedBefore + 6);

        RELAY.sink().refuse(false);

        assertDeliveredOnce(ids);
        assertThat(RELAY.sink().deliveries()).as("no bounce (null sender) was sent").noneMatch(d -> d.mailFrom().isEmpty());
        assertThat(RELAY.log()).doesNotContain("Sending failure message");
    }

    private static List<String> sendAll(String prefix, int count) throws IOException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            RELAY.send("alice@source.example", List.of("ext@external.example"), dayOneMail(id));
            ids.add(id);
        }
        return ids;
    }

    private static byte[] dayOneMail(String id) {
        return message(id, "Alice <alice@source.example>", "ext@external.example", null, "durable " + id);
    }

    private static void awaitRefusedAtLeast(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (RELAY.sink().refusedConnections() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(RELAY.sink().refusedConnections()).as("delivery attempts to the down gateway; log tail:%n%s", RELAY.logTail())
            .isGreaterThanOrEqualTo(count);
    }

    private static void assertDeliveredOnce(List<String> ids) throws InterruptedException {
        Map<String, Long> counts = awaitDelivered(ids);
        assertThat(counts.keySet()).as("delivered; log tail:%n%s", RELAY.logTail()).containsAll(ids);
        assertThat(counts).as("each delivered once").allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        assertThat(RELAY.sink().deliveries()).filteredOn(d -> ids.contains(idOf(d)))
            .allMatch(d -> d.mailFrom().equals("alice@target.example"), "rewritten for DayOne");
    }

    /** Waits until every id arrived, then a little more (a duplicate would come right after). */
    private static Map<String, Long> awaitDelivered(List<String> ids) throws InterruptedException {
        String prefix = ids.get(0).substring(0, ids.get(0).lastIndexOf('-') + 1);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!deliveredCounts(prefix).keySet().containsAll(ids) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Thread.sleep(3000);
        return deliveredCounts(prefix);
    }

    private static Map<String, Long> deliveredCounts(String prefix) {
        return RELAY.sink().deliveries().stream()
            .map(DurableQueueIT::idOf)
            .filter(id -> id != null && id.startsWith(prefix))
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static String idOf(SmtpSink.Delivery delivery) {
        Matcher matcher = MESSAGE_ID.matcher(delivery.dataAsString());
        return matcher.find() ? matcher.group(1) : null;
    }
}
