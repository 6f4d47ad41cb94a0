package org.t2trewrite.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.t2trewrite.cli.T2tRewriteCli;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.AddressHeaderParser;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code t2t-rewrite explain} agrees with the relay: every flow of the design (DayOne and DayTwo
 * senders, a non-member, a reply to a moved person, a calendar invitation to the source tenant,
 * an exempt sender and domain, an exempt recipient, mixed recipients, a delivery report) is sent
 * through a real James with routes per tenant AND explained from the same directory file, key
 * folder and routes; for every recipient, the copy that arrived (at which endpoint, envelope
 * sender and recipient, {@code From}, {@code To}, signed or not) is what explain said. The
 * directory has exceptions: senders {@code noreply*@source.example} and {@code bob@source.example},
 * recipient {@code approvals@target.example}, domain {@code apps.example}. One James for all.
 */
class ExplainAgreesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String INVITE_BODY = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease join.\r\n"
        + "--b1\r\nContent-Type: text/calendar; charset=\"utf-8\"; method=REQUEST\r\n\r\n"
        + "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:explain-1\r\n"
        + "ORGANIZER;CN=Carol:mailto:carol@target.example\r\n"
        + "ATTENDEE;CN=Dave:mailto:dave@source.example\r\nATTENDEE:mailto:ext@external.example\r\n"
        + "END:VEVENT\r\nEND:VCALENDAR\r\n--b1--\r\n";

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .delivery(JamesRelay.Delivery.ROUTES)
        .directory("/exceptions-directory.json")
        .build();

    /** One mail: envelope, header lines, body; and what each recipient must receive (delivered to, From). */
    private static final class Scenario {
        final String name;
        final String mailFrom;
        final List<String> rcpts;
        final String header;
        final String body;
        final Map<String, List<String>> expected;

        Scenario(String name, String mailFrom, List<String> rcpts, String header, String body, Map<String, List<String>> expected) {
            this.name = name;
            this.mailFrom = mailFrom;
            this.rcpts = rcpts;
            this.header = header;
            this.body = body;
            this.expected = expected;
        }

        byte[] message() {
            return (header + "Subject: " + name + "\r\nMessage-ID: <" + name + "@explain.example>\r\n"
                + "Date: Wed, 2 Dec 2026 10:00:00 +0000\r\n" + (body.startsWith("MIME") ? body : "\r\n" + body))
                .getBytes(ISO_8859_1);
        }
    }

    private static final List<Scenario> SCENARIOS = List.of(
        new Scenario("dayone-sender", "alice@source.example", List.of("ext@external.example"),
            "From: Alice <alice@source.example>\r\nTo: ext@external.example\r\n", "hi\r\n",
            Map.of("ext@external.example", List.of("ext@external.example", "alice@target.example"))),
        new Scenario("daytwo-sender", "carol@target.example", List.of("ext@external.example"),
            "From: Carol <carol@target.example>\r\nTo: ext@external.example\r\n", "hi\r\n",
            Map.of("ext@external.example", List.of("ext@external.example", "carol@source.example"))),
        new Scenario("non-member", "dave@source.example", List.of("ext@external.example"),
            "From: dave@source.example\r\nTo: ext@external.example\r\n", "hi\r\n",
            Map.of("ext@external.example", List.of("ext@external.example", "dave@source.example"))),
        new Scenario("reply-to-moved", "ext@external.example",
            List.of("alice@target.example", "carol@source.example", "other@elsewhere.example"),
            "From: ext@external.example\r\nTo: alice@target.example, carol@source.example\r\nCc: other@elsewhere.example\r\n", "re\r\n",
            Map.of("alice@target.example", List.of("alice@source.example", "ext@external.example"),
                "carol@source.example", List.of("carol@target.example", "ext@external.example"),
                "other@elsewhere.example", List.of("other@elsewhere.example", "ext@external.example"))),
        new Scenario("calendar-to-source", "carol@target.example", List.of("dave@source.example", "ext@external.example"),
            "From: Carol <carol@target.example>\r\nTo: dave@source.example, ext@external.example\r\n", INVITE_BODY,
            Map.of("dave@source.example", List.of("dave@source.example", "carol@target.example"),
                "ext@external.example", List.of("ext@external.example", "carol@source.example"))),
        new Scenario("exempt-sender", "bob@source.example", List.of("ext@external.example", "erin@source.example"),
            "From: Bob <bob@source.example>\r\nTo: ext@external.example, erin@source.example\r\n", "hi\r\n",
            Map.of("ext@external.example", List.of("ext@external.example", "bob@source.example"),
                "erin@source.example", List.of("erin@source.example", "bob@source.example"))),
        new Scenario("exempt-domain", "robot@apps.example", List.of("alice@target.example"),
            "From: robot@apps.example\r\nTo: alice@target.example\r\n", "automated\r\n",
            Map.of("alice@target.example", List.of("alice@target.example", "robot@apps.example"))),
        new Scenario("exempt-recipient", "alice@source.example", List.of("approvals@target.example", "ext@external.example"),
            "From: Alice <alice@source.example>\r\nTo: approvals@target.example, ext@external.example\r\n", "approve\r\n",
            Map.of("approvals@target.example", List.of("approvals@target.example", "alice@source.example"),
                "ext@external.example", List.of("ext@external.example", "alice@target.example"))),
        new Scenario("mixed-recipients", "alice@source.example",
            List.of("ext@external.example", "bob@source.example", "erin@source.example", "dave@source.example"),
            "From: Alice <alice@source.example>\r\nTo: ext@external.example, bob@source.example\r\n"
                + "Cc: erin@source.example, dave@source.example\r\n", "all\r\n",
            Map.of("ext@external.example", List.of("ext@external.example", "alice@target.example"),
                "bob@source.example", List.of("bob@source.example", "alice@target.example"),
                "erin@source.example", List.of("erin@target.example", "alice@target.example"),
                "dave@source.example", List.of("dave@source.example", "alice@target.example"))),
        new Scenario("delivery-report", "", List.of("erin@source.example"),
            "From: MAILER-DAEMON@mx.example\r\nTo: erin@source.example\r\n", "Your mail could not be delivered.\r\n",
            Map.of("erin@source.example", List.of("erin@target.example", "MAILER-DAEMON@mx.example"))));

    @Test
    void explainSaysWhatTheRelayDidForEveryRecipientOfEveryFlow() throws Exception {
        Map<String, JsonNode> explained = new java.util.LinkedHashMap<>();
        for (Scenario scenario : SCENARIOS) {
            explained.put(scenario.name, explain(scenario));
            RELAY.send(scenario.mailFrom, scenario.rcpts, scenario.message());
        }
        List<String> disagreements = new ArrayList<>();
        int compared = 0;
        for (Scenario scenario : SCENARIOS) {
            JsonNode plan = explained.get(scenario.name);
            assertThat(plan.path("recipients")).as(scenario.name).hasSize(scenario.rcpts.size());
            for (JsonNode recipient : plan.path("recipients")) {
                compared++;
                String rcpt = recipient.path("recipient").asText();
                String delivered = recipient.path("deliveredTo").asText();
                List<String> expected = scenario.expected.get(rcpt);
                assertThat(List.of(delivered, recipient.path("from").asText())).as("%s %s: explain", scenario.name, rcpt)
                    .isEqualTo(expected);
                SmtpSink sink = sinkFor(recipient.path("route").path("host").asText());
                String marker = "<" + scenario.name + "@explain.example>";
                List<SmtpSink.Delivery> found = sink.await(d -> d.dataAsString().contains(marker) && d.rcpts().contains(delivered), 1, WAIT);
                assertThat(found).as("%s: %s delivered to %s at %s; log tail:%n%s", scenario.name, rcpt, delivered,
                    recipient.path("route"), RELAY.logTail()).hasSize(1);
                SmtpSink.Delivery delivery = found.get(0);
                String expectedSender = recipient.path("envelopeSender").asText();
                compare(disagreements, scenario.name + " " + rcpt + " envelope sender",
                    "<>".equals(expectedSender) ? "" : expectedSender, delivery.mailFrom());
                HeaderSection header = HeaderSection.split(delivery.data()).header(delivery.data());
                compare(disagreements, scenario.name + " " + rcpt + " From", recipient.path("from").asText(),
                    addresses(header, "From").stream().findFirst().map(Address::toString).orElse("-"));
                compare(disagreements, scenario.name + " " + rcpt + " To", texts(recipient.path("to")),
                    addresses(header, "To").stream().map(Address::toString).collect(Collectors.toList()).toString());
                Optional<String> signedFor = signatureDomain(header);
                String explainedSigning = recipient.path("signing").isNull() ? "unsigned"
                    : recipient.path("signing").path("domain").asText();
                compare(disagreements, scenario.name + " " + rcpt + " DKIM", explainedSigning, signedFor.orElse("unsigned"));
            }
        }
        assertThat(disagreements).as("explain vs relay over %d recipients", compared).isEmpty();
        assertThat(compared).isEqualTo(SCENARIOS.stream().mapToInt(s -> s.rcpts.size()).sum());
    }

    private static JsonNode explain(Scenario scenario) throws Exception {
        Path eml = Files.write(RELAY.workDir().resolve(scenario.name + ".eml"), scenario.message());
        List<String> args = new ArrayList<>(List.of("explain", "--json", "--eml", eml.toString(),
            "--mail-from", scenario.mailFrom.isEmpty() ? "<>" : scenario.mailFrom,
            "--rcpt", String.join(",", scenario.rcpts),
            "--directory", RELAY.directoryFile().toString(), "--dkim-keys", RELAY.dkimKeys().toString(),
            "--route-source", "127.0.0.1:" + RELAY.sourceSink().port(),
            "--route-target", "127.0.0.1:" + RELAY.targetSink().port(),
            "--route-other", "127.0.0.1:" + RELAY.sink().port()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        assertThat(code).as("explain %s: %s", scenario.name, err).isZero();
        return new ObjectMapper().readTree(out.toString());
    }

    private static SmtpSink sinkFor(String host) {
        if (host.equals("127.0.0.1:" + RELAY.sourceSink().port())) {
            return RELAY.sourceSink();
        }
        if (host.equals("127.0.0.1:" + RELAY.targetSink().port())) {
            return RELAY.targetSink();
        }
        assertThat(host).isEqualTo("127.0.0.1:" + RELAY.sink().port());
        return RELAY.sink();
    }

    private static void compare(List<String> disagreements, String what, String explained, String relayed) {
        if (!explained.equals(relayed)) {
            disagreements.add(what + ": explain said " + explained + ", the relay delivered " + relayed);
        }
    }

    private static String texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values.toString();
    }

    private static List<Address> addresses(HeaderSection header, String name) {
        List<Address> addresses = new ArrayList<>();
        for (HeaderField field : header.fields(name)) {
            addresses.addAll(AddressHeaderParser.parse(field).addresses());
        }
        return addresses;
    }

    /** The d= of our DKIM-Signature, if the copy carries one. */
    private static Optional<String> signatureDomain(HeaderSection header) {
        return header.fields("DKIM-Signature").stream().findFirst().map(field -> {
            java.util.regex.Matcher d = java.util.regex.Pattern.compile("(?:^|[;\\s])d=([^;\\s]+)")
                .matcher(field.value());
            return d.find() ? d.group(1) : "?";
        });
    }
}
