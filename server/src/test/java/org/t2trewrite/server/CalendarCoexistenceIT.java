package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.assertRelayedAs;
import static org.t2trewrite.server.Messages.bytes;
import static org.t2trewrite.server.Messages.replaced;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Calendar coexistence (design flows 3 and 4) on a real James 3.8.1 with our jar and james-conf/:
 * carol (DayTwo, mailbox in the target tenant) invites an outsider and dave (mailbox in the source
 * tenant); the outsider's acceptance comes back. Directory: src/test/resources/test-directory.json.
 */
class CalendarCoexistenceIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder().build();

    private static String calendar(String method, String organizer, String partstat) {
        return "BEGIN:VCALENDAR\r\n"
            + "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\n"
            + "VERSION:2.0\r\n"
            + "METHOD:" + method + "\r\n"
            + "BEGIN:VEVENT\r\n"
            + "ORGANIZER;CN=\"Jones, Carol\":mailto:" + organizer + "\r\n"
            + "ATTENDEE;CN=ext@external.example;RSVP=TRUE;PARTSTAT=" + partstat + ":mailto:ext@external.example\r\n"
            + "ATTENDEE;CN=\"Dave\";RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:dave@source.example\r\n"
            + "DESCRIPTION:Agenda: budget\\n\r\n"
            + "UID:040000008200E00074C5B7101A82E00800000000\r\n"
            + "DTSTART:20261210T100000Z\r\n"
            + "DTEND:20261210T110000Z\r\n"
            + "SUMMARY:Budget review\r\n"
            + "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE\r\n"
            + "END:VEVENT\r\n"
            + "END:VCALENDAR\r\n";
    }

    private static byte[] invitation(String id) {
        return bytes("From: \"Jones, Carol\" <carol@target.example>\r\n"
            + "To: ext@external.example, Dave <dave@source.example>\r\n"
            + "Subject: Budget review\r\n"
            + "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
            + "Message-ID: <" + id + "@client.example>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/alternative; boundary=\"_000_cal\"\r\n"
            + "\r\n"
            + "--_000_cal\r\n"
            + "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
            + "\r\n"
            + "Budget review with carol@target.example\r\n"
            + "--_000_cal\r\n"
            + "Content-Type: text/calendar; charset=\"utf-8\"; method=REQUEST\r\n"
            + "Content-Transfer-Encoding: 7bit\r\n"
            + "\r\n"
            + calendar("REQUEST", "carol@target.example", "NEEDS-ACTION")
            + "--_000_cal--\r\n");
    }

    @Test
    void aDayTwoInvitationReachesOutsidersRewrittenAndSourceMailboxesAsWritten() throws Exception {
        byte[] sent = invitation("cal1");

        RELAY.send("carol@target.example", List.of("ext@external.example", "dave@source.example"), sent);

        List<SmtpSink.Delivery> delivered = all("cal1", 2);
        SmtpSink.Delivery external = to(delivered, "ext@external.example");
        SmtpSink.Delivery dave = to(delivered, "dave@source.example");
        assertThat(external.mailFrom()).isEqualTo("carol@source.example");
        assertRelayedAs(external.data(), replaced(replaced(sent,
            "From: \"Jones, Carol\" <carol@target.example>", "From: \"Jones, Carol\" <carol@source.example>"),
            "ORGANIZER;CN=\"Jones, Carol\":mailto:carol@target.example",
            "ORGANIZER;CN=\"Jones, Carol\":mailto:carol@source.example"));
        assertThat(dave.mailFrom()).isEqualTo("carol@target.example");
        assertRelayedAs(dave.data(), sent);
    }

    @Test
    void anOutsidersAcceptanceReachesTheOrganizersMailboxAsItsCalendarKnowsHer() throws Exception {
        byte[] sent = bytes("From: ext@external.example\r\n"
            + "To: \"Jones, Carol\" <carol@source.example>\r\n"
            + "Subject: Accepted: Budget review\r\n"
            + "Message-ID: <cal2@client.example>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/calendar; charset=utf-8; method=REPLY\r\n"
            + "\r\n"
            + calendar("REPLY", "carol@source.example", "ACCEPTED"));

        RELAY.send("ext@external.example", List.of("carol@source.example"), sent);

        SmtpSink.Delivery delivered = all("cal2", 1).get(0);
        assertThat(delivered.rcpts()).containsExactly("carol@target.example");
        assertRelayedAs(delivered.data(), replaced(replaced(sent,
            "To: \"Jones, Carol\" <carol@source.example>", "To: \"Jones, Carol\" <carol@target.example>"),
            "mailto:carol@source.example", "mailto:carol@target.example"));
    }

    private static List<SmtpSink.Delivery> all(String id, int count) throws InterruptedException {
        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<" + id + "@client.example>"),
            count, WAIT);
        assertThat(delivered).as("deliveries of %s; James log tail:%n%s", id, RELAY.logTail()).hasSize(count);
        return delivered;
    }

    private static SmtpSink.Delivery to(List<SmtpSink.Delivery> deliveries, String recipient) {
        List<SmtpSink.Delivery> matching = deliveries.stream().filter(d -> d.rcpts().equals(List.of(recipient)))
            .collect(Collectors.toList());
        assertThat(matching).as("copies for %s among %s", recipient, deliveries).hasSize(1);
        return matching.get(0);
    }
}
