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
 * Issue 13's memory finding, with the heap the README's rule asks for: ten 20 MB DayOne mails sent
 * at once to a relay of 384 MB heap whose pipeline works on two mails at a time
 * (t2t.spooler.threads=2: 2 x 4 x 20 MB plus James) are every one answered, delivered once, signed,
 * and the JVM never runs out of memory (it would exit: -XX:+ExitOnOutOfMemoryError). A client
 * that gets a 4xx (RefuseWhenMemoryIsShort) sends again later, as an MTA would.
 */
class LargeMailMemoryIT {
    private static final int MAILS = 10;
    private static final int MB = 1024 * 1024;

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .heap("384m")
        .property("t2t.spooler.threads", "2")
        .build();

    private static byte[] message(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(21 * MB);
        byte[] header = ("From: Alice <alice@source.example>\r\nTo: ext@external.example\r\nSubject: large " + n
            + "\r\nMessage-ID: <large-" + n + "@client.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        out.write(header, 0, header.length);
        byte[] line = ("line of mail " + n + " " + "x".repeat(60) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        while (out.size() < 20 * MB) {
            out.write(line, 0, line.length);
        }
        return out.toByteArray();
    }

    @Test
    void tenConcurrentTwentyMegabyteMailsAreAllDeliveredWithoutRunningOutOfMemory() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(MAILS);
        List<Future<Integer>> attempts = new ArrayList<>();
        for (int n = 0; n < MAILS; n++) {
            int id = n;
            attempts.add(clients.submit(() -> sendUntilAccepted(message(id))));
        }
        int refusedForMemory = 0;
        for (Future<Integer> attempt : attempts) {
            refusedForMemory += attempt.get(10, TimeUnit.MINUTES);
        }
        clients.shutdown();

        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("@client.example>"), MAILS,
            Duration.ofMinutes(10));
        assertThat(delivered).as("refused for memory %d times; log tail:%n%s", refusedForMemory, RELAY.logTail()).hasSize(MAILS);
        for (int n = 0; n < MAILS; n++) {
            String marker = "<large-" + n + "@client.example>";
            assertThat(delivered).filteredOn(d -> d.dataAsString().contains(marker)).as(marker).singleElement()
                .satisfies(d -> assertThat(d.dataAsString()).startsWith("DKIM-Signature:").contains("From: Alice <alice@target.example>"));
        }
        assertThat(RELAY.awaitExit(Duration.ofMillis(1))).as("James exited (out of memory?)").isEmpty();
        assertThat(RELAY.log()).doesNotContain("OutOfMemoryError");
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
