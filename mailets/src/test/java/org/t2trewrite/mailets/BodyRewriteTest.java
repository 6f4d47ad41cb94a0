package org.t2trewrite.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.mailets.TestMails.bytesOfCopy;
import static org.t2trewrite.mailets.TestMails.rcpts;
import static org.t2trewrite.mailets.TestMails.received;
import static org.t2trewrite.mailets.TestMails.text;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.PinnedSnapshots;
import org.t2trewrite.glue.RewriteAttributes;

/**
 * Invitations and reports inside the mails our mailets rewrite follow the same rule as the
 * header (scenario directory: alice and bob DayOne with mailboxes in the source tenant).
 */
class BodyRewriteTest {
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private static final String INVITATION = "From: Alice <alice@source.example>\r\n"
        + "To: ext@external.example, bob@source.example\r\n"
        + "Subject: Planning\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
        + "\r\n"
        + "--outer\r\n"
        + "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
        + "\r\n"
        + "--inner\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "\r\n"
        + "Join us, alice@source.example organises.\r\n"
        + "--inner\r\n"
        + "Content-Type: text/calendar; charset=utf-8; method=REQUEST\r\n"
        + "\r\n"
        + calendar("REQUEST", "alice@source.example", "bob@source.example")
        + "--inner--\r\n"
        + "--outer\r\n"
        + "Content-Type: application/ics; name=\"invite.ics\"\r\n"
        + "Content-Disposition: attachment; filename=\"invite.ics\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n"
        + "\r\n"
        + "QkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVRVUVTVA0KQkVHSU46VkVWRU5UDQpPUkdBTklaRVI7\r\n"
        + "Q049QWxpY2U6bWFpbHRvOmFsaWNlQHNvdXJjZS5leGFtcGxlDQpFTkQ6VkVWRU5UDQpFTkQ6VkNB\r\n"
        + "TEVOREFSDQo=\r\n"
        + "--outer--\r\n";

    private RewriteSender rewriteSender;
    private RewriteRecipients rewriteRecipients;

    private static String calendar(String method, String organizer, String attendee) {
        return "BEGIN:VCALENDAR\r\n"
            + "METHOD:" + method + "\r\n"
            + "BEGIN:VEVENT\r\n"
            + "ORGANIZER;CN=Alice:mailto:" + organizer + "\r\n"
            + "ATTENDEE;CN=Ext;PARTSTAT=NEEDS-ACTION:mailto:ext@external.example\r\n"
            + "ATTENDEE;CN=\"Smith, Bob\";RSVP=TRUE:MAILTO:" + attendee + "\r\n"
            + "UID:040000008200E00074C5B7101A82E008\r\n"
            + "END:VEVENT\r\n"
            + "END:VCALENDAR\r\n";
    }

    @BeforeEach
    void setUp() throws Exception {
        PinnedSnapshots snapshots = new PinnedSnapshots(Fixtures::scenarioDirectory);
        rewriteSender = new RewriteSender(snapshots, metrics);
        rewriteSender.init(FakeMailetConfig.builder().mailetName("RewriteSender").build());
        rewriteRecipients = new RewriteRecipients(snapshots, metrics);
        rewriteRecipients.init(FakeMailetConfig.builder().mailetName("RewriteRecipients").build());
    }

    private static MailImpl preserved(String sender, String[] recipients, String message) throws Exception {
        MailImpl mail = received(sender, recipients, message);
        MailMessages.install(mail, MailMessages.copyOf(mail.getMessage()));
        return mail;
    }

    @Test
    void rewritesOrganizerAndAttendeesOfADayOneInvitationInBothCopiesAndNothingElse() throws Exception {
        MailImpl mail = preserved("alice@source.example", rcpts("ext@external.example"), INVITATION);

        rewriteSender.service(mail);

        String expected = INVITATION
            .replace("From: Alice <alice@source.example>", "From: Alice <alice@target.example>")
            .replace("To: ext@external.example, bob@source.example", "To: ext@external.example, bob@target.example")
            .replace(calendar("REQUEST", "alice@source.example", "bob@source.example"),
                calendar("REQUEST", "alice@target.example", "bob@target.example"))
            .replace("QkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVRVUVTVA0KQkVHSU46VkVWRU5UDQpPUkdBTklaRVI7\r\n"
                    + "Q049QWxpY2U6bWFpbHRvOmFsaWNlQHNvdXJjZS5leGFtcGxlDQpFTkQ6VkVWRU5UDQpFTkQ6VkNB\r\n"
                    + "TEVOREFSDQo=\r\n",
                "QkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVRVUVTVA0KQkVHSU46VkVWRU5UDQpPUkdBTklaRVI7\r\n"
                    + "Q049QWxpY2U6bWFpbHRvOmFsaWNlQHRhcmdldC5leGFtcGxlDQpFTkQ6VkVWRU5UDQpFTkQ6VkNB\r\n"
                    + "TEVOREFSDQo=\r\n");
        assertThat(text(bytesOfCopy(mail))).isEqualTo(expected);
        assertThat(text(bytesOfCopy(mail))).contains("Join us, alice@source.example organises.");
        assertThat(mail.getAttribute(RewriteAttributes.SIGNING_DOMAIN)).isPresent();
    }

    @Test
    void rewritesABase64ApplicationIcsPartWithoutAFileName() throws Exception {
        // Neither "calendar" nor ".ics" appears in these bytes: only the part's type says it.
        MailImpl mail = preserved("alice@source.example", rcpts("ext@external.example"), bareIcs("alice@source.example"));

        rewriteSender.service(mail);

        assertThat(text(bytesOfCopy(mail))).isEqualTo(bareIcs("alice@target.example"));
    }

    private static String bareIcs(String address) {
        String ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nORGANIZER:mailto:" + address + "\r\n"
            + "END:VEVENT\r\nEND:VCALENDAR\r\n";
        return "From: " + address + "\r\nTo: ext@external.example\r\nSubject: s\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n"
            + "--b\r\nContent-Type: application/ics\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(ics.getBytes(StandardCharsets.US_ASCII)) + "\r\n"
            + "--b--\r\n";
    }

    @Test
    void aSecondPassChangesNothing() throws Exception {
        MailImpl mail = preserved("alice@source.example", rcpts("ext@external.example"), INVITATION);
        rewriteSender.service(mail);
        byte[] once = bytesOfCopy(mail);

        rewriteSender.service(mail);

        assertThat(bytesOfCopy(mail)).isEqualTo(once);
    }

    @Test
    void anOutsidersReplyReachesTheOrganizersMailboxWithTheAddressesItsCalendarStored() throws Exception {
        String reply = "From: ext@external.example\r\nTo: Alice <alice@target.example>\r\nSubject: Accepted: Planning\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n"
            + calendar("REPLY", "alice@target.example", "bob@target.example");
        MailImpl mail = preserved("ext@external.example", rcpts("alice@target.example"), reply);

        rewriteRecipients.service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("alice@source.example"));
        assertThat(text(bytesOfCopy(mail))).isEqualTo(reply
            .replace("To: Alice <alice@target.example>", "To: Alice <alice@source.example>")
            .replace(calendar("REPLY", "alice@target.example", "bob@target.example"),
                calendar("REPLY", "alice@source.example", "bob@source.example")));
    }

    @Test
    void aBounceForARewrittenSenderNamesTheAddressItsMailboxTenantSent() throws Exception {
        String bounce = "From: MAILER-DAEMON@external.example\r\nTo: alice@target.example\r\nSubject: Undeliverable\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
            + "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.external.example\r\n\r\n"
            + "Final-Recipient: rfc822; gone@external.example\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            + "--b\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: Alice <alice@target.example>\r\n"
            + "To: gone@external.example\r\nSubject: Planning\r\n"
            + "--b--\r\n";
        MailImpl mail = preserved(null, rcpts("alice@target.example"), bounce);

        rewriteRecipients.service(mail);

        assertThat(mail.getMaybeSender()).isEqualTo(MaybeSender.nullSender());
        assertThat(mail.getRecipients()).containsExactly(new MailAddress("alice@source.example"));
        assertThat(text(bytesOfCopy(mail))).isEqualTo(bounce
            .replace("To: alice@target.example\r\nSubject: Undeliverable", "To: alice@source.example\r\nSubject: Undeliverable")
            .replace("From: Alice <alice@target.example>\r\nTo: gone", "From: Alice <alice@source.example>\r\nTo: gone"));
    }

    @Test
    void aReadReceiptFromADayOneMemberNamesTheAddressTheWorldKnows() throws Exception {
        String receipt = "From: alice@source.example\r\nTo: ext@external.example\r\nSubject: Read: Planning\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=\"r\"\r\n\r\n"
            + "--r\r\nContent-Type: text/plain\r\n\r\nYour message was read.\r\n"
            + "--r\r\nContent-Type: message/disposition-notification\r\n\r\n"
            + "Reporting-UA: outlook; Microsoft Outlook\r\nFinal-Recipient: rfc822; alice@source.example\r\n"
            + "Disposition: manual-action/MDN-sent-manually; displayed\r\n"
            + "--r--\r\n";
        MailImpl mail = preserved("alice@source.example", rcpts("ext@external.example"), receipt);

        rewriteSender.service(mail);

        assertThat(text(bytesOfCopy(mail))).isEqualTo(receipt
            .replace("From: alice@source.example", "From: alice@target.example")
            .replace("Final-Recipient: rfc822; alice@source.example", "Final-Recipient: rfc822; alice@target.example"));
    }
}
