package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13's memory finding as the issue reproduced it: ten large mails sent at once to a relay of
 * 160 MB heap with the default 20 spool threads. Before, one mail answered {@code 250} vanished
 * after an OutOfMemoryError; then the JVM exited on it (-XX:+ExitOnOutOfMemoryError) and met the
 * same mails again after each restart; and ten clients sending at once ran netty out of direct
 * memory, which cut their connections mid-DATA. Now:
 * <ul>
 *   <li>ten 10 MB mails are every one received, delivered once and signed, without an
 *       OutOfMemoryError: the pipeline's memory budget (40 % of the heap, 4 x each mail's size)
 *       works on one at a time and the others wait (rule=memory in the log);</li>
 *   <li>a 20 MB mail, which needs more than that whole budget, is refused with 552 5.3.4 at MAIL
 *       FROM when its SIZE is declared and at the end of DATA when not; nothing of it is queued.</li>
 * </ul>
 * A client that gets a 4xx (RefuseWhenMemoryIsShort) sends again later, as an MTA would.
 */
class LargeMailMemoryIT {
    private static final int MAILS = 10;
    private static final int MB = 1024 * 1024;

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .heap("160m")
        .build();

    private static byte[] message(int n, int megabytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((megabytes + 1) * MB);
        byte[] header = ("From: Alice <alice@source.example>\r\nTo: ext@external.example\r\nSubject: large " + n
            + "\r\nMessage-ID: <large-" + megabytes + "-" + n + "@client.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        out.write(header, 0, header.length);
        byte[] line = ("line of mail " + n + " " + "x".repeat(60) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        while (out.size() < megabytes * MB) {
            out.write(line, 0, line.length);
        }
        return out.toByteArray();
    }

    @Test
    void tenConcurrentTenMegabyteMailsAreAllDeliveredWithoutRunningOutOfMemory() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(MAILS);
        List<Future<Integer>> attempts = new ArrayList<>();
        for (int n = 0; n < MAILS; n++) {
            int id = n;
            attempts.add(clients.submit(() -> sendUntilAccepted(message(id, 10))));
        }
        int refusedForMemory = 0;
        for (Future<Integer> attempt : attempts) {
            refusedForMemory += attempt.get(10, TimeUnit.MINUTES);
        }
        clients.shutdown();

        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<large-10-"), MAILS,
            Duration.ofMinutes(10));
        assertThat(delivered).as("refused for memory %d times; log tail:%n%s", refusedForMemory, RELAY.logTail()).hasSize(MAILS);
        for (int n = 0; n < MAILS; n++) {
            String marker = "<large-10-" + n + "@client.example>";
            assertThat(delivered).filteredOn(d -> d.dataAsString().contains(marker)).as(marker).singleElement()
                .satisfies(d -> assertThat(d.dataAsString()).startsWith("DKIM-Signature:").contains("From: Alice <alice@target.example>"));
        }
        assertThat(RELAY.awaitExit(Duration.ofMillis(1))).as("James exited (out of memory?)").isEmpty();
        assertThat(RELAY.log()).doesNotContain("OutOfMemoryError").contains("rule=memory waited");
    }

    @Test
    void aMailNeedingMoreThanTheWholeMemoryBudgetIsRefusedWithA552AndNotQueued() throws Exception {
        byte[] message = message(0, 20);
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            SmtpClient.Reply mail = client.command("MAIL FROM:<alice@source.example> SIZE=" + message.length);
            assertThat(mail.code()).as("MAIL FROM with SIZE: %s", mail).isEqualTo(552);
            assertThat(mail.toString()).contains("5.3.4");
        }
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            assertThat(client.command("MAIL FROM:<alice@source.example>").isPositive()).isTrue();
            assertThat(client.command("RCPT TO:<ext@external.example>").isPositive()).isTrue();
            assertThat(client.command("DATA").code()).isEqualTo(354);
            SmtpClient.Reply reply = client.data(message);
            assertThat(reply.code()).as("end of DATA without SIZE: %s", reply).isEqualTo(552);
        }
        assertThat(RELAY.log()).contains("answered 552").doesNotContain("<large-20-0@client.example> from");
        assertThat(RELAY.awaitExit(Duration.ofMillis(1))).as("James exited (out of memory?)").isEmpty();
    }

    /** Sends like an MTA: a 4xx means try again a little later. The number of 4xx replies. */
    private static int sendUntilAccepted(byte[] message) throws Exception {
        int refused = 0;
        while (true) {
            try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
                SmtpClient.Reply mail = client.command("MAIL FROM:<alice@source.example> SIZE=" + message.length);
                if (mail.code() >= 400 && mail.code() < 500) {
                    refused++;
                    Thread.sleep(2000);
                    continue;
                }
                assertThat(mail.isPositive()).as("MAIL FROM: %s", mail).isTrue();
                assertThat(client.command("RCPT TO:<ext@external.example>").isPositive()).isTrue();
                assertThat(client.command("DATA").code()).isEqualTo(354);
                SmtpClient.Reply reply = client.data(message);
                assertThat(reply.code()).as("end of DATA: %s", reply).isEqualTo(250);
                return refused;
            }
        }
    }
}
