package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.assertRelayedAs;
import static org.t2trewrite.server.Messages.bytes;
import static org.t2trewrite.server.Messages.message;
import static org.t2trewrite.server.Messages.replaced;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The scenarios of issue 3 ("How it must be proven") on a real James 3.8.1 with our jar and
 * james-conf/, the directory being the acceptance check's (src/test/resources/test-directory.json):
 * alice, bob DayOne with mailbox in source; carol DayTwo, mailbox in target; dave no group,
 * mailbox in source; erin DayOne, mailbox in target; frank no group.
 */
class RewriteScenariosIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder().build();

    @Test
    void rewritesDayOneSenderAndEligibleCcToTheirTargetAddresses() throws Exception {
        byte[] sent = message("s1", "\"Alice Smith\" <alice@source.example>", "Ext <ext@external.example>",
            "bob@source.example", "Quarterly numbers");

        RELAY.send("alice@source.example", List.of("ext@external.example"), sent);

        SmtpSink.Delivery delivered = single("s1");
        assertThat(delivered.mailFrom()).isEqualTo("alice@target.example");
        assertThat(delivered.rcpts()).containsExactly("ext@external.example");
        assertRelayedAs(delivered.data(), replaced(replaced(sent,
            "From: \"Alice Smith\" <alice@source.example>", "From: \"Alice Smith\" <alice@target.example>"),
            "Cc: bob@source.example", "Cc: bob@target.example"));
    }

    @Test
    void rewritesDayTwoSenderForExternalsButNotForSourceMailboxRecipients() throws Exception {
        byte[] sent = message("s2", "Carol <carol@target.example>", "ext@external.example, dave@source.example", null,
            "Meeting");

        RELAY.send("carol@target.example", List.of("ext@external.example", "dave@source.example"), sent);

        List<SmtpSink.Delivery> delivered = all("s2", 2);
        SmtpSink.Delivery external = to(delivered, "ext@external.example");
        SmtpSink.Delivery dave = to(delivered, "dave@source.example");
        assertThat(external.mailFrom()).isEqualTo("carol@source.example");
        assertRelayedAs(external.data(), replaced(sent, "From: Carol <carol@target.example>", "From: Carol <carol@source.example>"));
        assertThat(dave.mailFrom()).isEqualTo("carol@target.example");
        assertRelayedAs(dave.data(), sent);
    }

    @Test
    void deliversReplyToTargetAddressBeforeCutoverToTheSourceMailbox() throws Exception {
        byte[] sent = message("s3", "Ext <ext@external.example>", "Alice Smith <alice@target.example>", null,
            "Re: Quarterly numbers");

        RELAY.send("ext@external.example", List.of("alice@target.example"), sent);

        SmtpSink.Delivery delivered = single("s3");
        assertThat(delivered.mailFrom()).isEqualTo("ext@external.example");
        assertThat(delivered.rcpts()).containsExactly("alice@source.example");
        assertRelayedAs(delivered.data(), replaced(sent, "<alice@target.example>", "<alice@source.example>"));
    }

    @Test
    void deliversReplyToSourceAddressAfterCutoverToTheTargetMailbox() throws Exception {
        byte[] sent = message("s4", "Ext <ext@external.example>", "erin@source.example", null, "Re: old thread");

        RELAY.send("ext@external.example", List.of("erin@source.example"), sent);

        SmtpSink.Delivery delivered = single("s4");
        assertThat(delivered.rcpts()).containsExactly("erin@target.example");
        assertRelayedAs(delivered.data(), replaced(sent, "To: erin@source.example", "To: erin@target.example"));
    }

    @Test
    void routesBounceToTargetAddressToTheSourceMailboxKeepingTheNullSender() throws Exception {
        byte[] sent = message("s5", "Mail Delivery System <MAILER-DAEMON@external.example>", "alice@target.example", null,
            "Undelivered Mail Returned to Sender");

        RELAY.send("", List.of("alice@target.example"), sent);

        SmtpSink.Delivery delivered = single("s5");
        assertThat(delivered.mailFrom()).isEmpty();
        assertThat(delivered.rcpts()).containsExactly("alice@source.example");
    }

    @Test
    void relaysMailOfSomeoneInNoGroupByteForByte() throws Exception {
        byte[] sent = message("s6", "Frank <frank@source.example>", "ext@external.example", "dave@source.example", "Hi");

        RELAY.send("frank@source.example", List.of("ext@external.example"), sent);

        SmtpSink.Delivery delivered = single("s6");
        assertThat(delivered.mailFrom()).isEqualTo("frank@source.example");
        assertRelayedAs(delivered.data(), sent);
    }

    static Stream<Arguments> malformedMessagesFromAlice() {
        String header = "From: Alice <alice@source.example>\r\nTo: ext@external.example\r\n";
        return Stream.of(
            Arguments.of("multipart without boundary", header + "Message-ID: <m1@client.example>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n--b1\r\n\r\npart\r\n--b1--\r\n"),
            Arguments.of("broken Content-Type parameter list", header + "Message-ID: <m2@client.example>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset; format=\"flowed\r\n\r\nbody\r\n"),
            Arguments.of("8-bit text without MIME", header + "Message-ID: <m3@client.example>\r\n"
                + "Subject: 8-bit\r\n\r\nna\u00efve caf\u00e9 body\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedMessagesFromAlice")
    void rewritesMalformedMailAndKeepsEveryOtherByte(String name, String message) throws Exception {
        String id = message.substring(message.indexOf("<m") + 1, message.indexOf("@client.example"));

        RELAY.send("alice@source.example", List.of("ext@external.example"), bytes(message));

        SmtpSink.Delivery delivered = single(id);
        assertThat(delivered.mailFrom()).isEqualTo("alice@target.example");
        assertRelayedAs(delivered.data(), bytes(message.replace("<alice@source.example>", "<alice@target.example>")));
    }

    @Test
    void rewritesAPersonAddedToDayOneWithoutRestart() throws Exception {
        editDirectory(directory -> ((ArrayNode) directory.get("people")).addObject()
            .put("source", "hank@source.example").put("target", "hank@target.example").put("mailbox", "source")
            .set("groups", directory.arrayNode().add("DayOne")));

        // The directory is reloaded in the background: send until a mail comes out rewritten.
        SmtpSink.Delivery delivered = sendUntil("hank@source.example", "Hank <hank@source.example>",
            d -> d.mailFrom().equals("hank@target.example"));

        assertThat(delivered.mailFrom()).isEqualTo("hank@target.example");
        assertThat(delivered.dataAsString()).contains("From: Hank <hank@target.example>");
    }

    @Test
    void keepsTheLastGoodDirectoryWhenAnEditIsInvalid() throws Exception {
        byte[] good = Files.readAllBytes(RELAY.directoryFile());
        try {
            replaceAtomically(RELAY.directoryFile(), bytes("{ \"tenants\": { \"source\": \n  [ broken"));
            awaitLog(RELAY.directoryFile().getFileName().toString(), "ERROR");

            byte[] sent = message("lastgood", "Alice <alice@source.example>", "ext@external.example", null, "still rewritten");
            RELAY.send("alice@source.example", List.of("ext@external.example"), sent);

            assertThat(single("lastgood").mailFrom()).isEqualTo("alice@target.example");
        } finally {
            replaceAtomically(RELAY.directoryFile(), good);
        }
    }

    private static SmtpSink.Delivery sendUntil(String sender, String from,
                                               Predicate<SmtpSink.Delivery> done) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        SmtpSink.Delivery last = null;
        while (Instant.now().isBefore(deadline)) {
            String id = "reload-" + SEQUENCE.incrementAndGet();
            RELAY.send(sender, List.of("ext@external.example"), message(id, from, "ext@external.example", null, "reload"));
            last = single(id);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        return last;
    }

    private static void awaitLog(String... fragments) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            boolean found = RELAY.log().lines().anyMatch(line -> Stream.of(fragments).allMatch(line::contains));
            if (found) {
                return;
            }
            Thread.sleep(200);
        }
        assertThat(RELAY.log()).as("a log line with %s", List.of(fragments)).contains(String.join(" ", fragments));
    }

    private interface DirectoryEdit {
        void apply(ObjectNode directory);
    }

    private static void editDirectory(DirectoryEdit edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode directory = (ObjectNode) json.readTree(RELAY.directoryFile().toFile());
        edit.apply(directory);
        replaceAtomically(RELAY.directoryFile(), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(directory));
    }

    // As an editor saves: write a new file, rename it over the old one.
    private static void replaceAtomically(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static SmtpSink.Delivery single(String id) throws InterruptedException {
        List<SmtpSink.Delivery> delivered = all(id, 1);
        assertThat(delivered).as("deliveries of %s; James log tail:%n%s", id, RELAY.logTail()).hasSize(1);
        return delivered.get(0);
    }

    private static List<SmtpSink.Delivery> all(String id, int count) throws InterruptedException {
        return RELAY.sink().await(d -> d.dataAsString().contains("<" + id + "@client.example>"), count, WAIT);
    }

    private static SmtpSink.Delivery to(List<SmtpSink.Delivery> deliveries, String recipient) {
        List<SmtpSink.Delivery> matching = deliveries.stream().filter(d -> d.rcpts().equals(List.of(recipient)))
            .collect(Collectors.toList());
        assertThat(matching).as("copies for %s among %s", recipient, deliveries).hasSize(1);
        return matching.get(0);
    }
}
