package org.t2trewrite.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.t2trewrite.mailets.TestMails.bytesOfCopy;
import static org.t2trewrite.mailets.TestMails.rcpts;
import static org.t2trewrite.mailets.TestMails.received;
import static org.t2trewrite.mailets.TestMails.text;

import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.glue.PinnedSnapshots;
import org.t2trewrite.glue.RewriteAttributes;

class RewriteSenderTest {
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private static final Directory SCENARIOS = Fixtures::scenarioDirectory;
    private static final String DAYONE_MAIL = "Received: from client by relay; Tue, 24 Nov 2026 10:00:00 +0000\r\n"
        + "From: \"Alice Smith\" <alice@source.example>\r\nTo: Ext <ext@external.example>\r\nCc: bob@source.example\r\n"
        + "Subject: Quarterly numbers\r\nX-Custom:  keep   my   spacing\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed\r\n\r\n--broken\r\nbody\r\n";

    private RewriteSender mailet;

    @BeforeEach
    void setUp() throws Exception {
        mailet = new RewriteSender(new PinnedSnapshots(SCENARIOS), metrics);
        // The parameters of the Javadoc snippet: none.
        mailet.init(FakeMailetConfig.builder().mailetName("RewriteSender").build());
    }

    @Test
    void rewritesFromHeaderEnvelopeAndEligibleCcForDayOneMember() throws Exception {
        MailImpl mail = received("alice@source.example", rcpts("ext@external.example"), DAYONE_MAIL);
        mail.getMessage().removeHeader("Bcc");

        mailet.service(mail);

        assertThat(mail.getMaybeSender()).isEqualTo(MaybeSender.of(new MailAddress("alice@target.example")));
        assertThat(text(bytesOfCopy(mail))).isEqualTo(DAYONE_MAIL
            .replace("<alice@source.example>", "<alice@target.example>")
            .replace("Cc: bob@source.example", "Cc: bob@target.example"));
        assertThat(mail.getAttribute(RewriteAttributes.SIGNING_DOMAIN).<Object>map(a -> a.getValue().getValue()))
            .contains("target.example");
    }

    @Test
    void isIdempotent() throws Exception {
        MailImpl mail = received("alice@source.example", rcpts("ext@external.example"), DAYONE_MAIL);

        mailet.service(mail);
        byte[] once = bytesOfCopy(mail);
        mailet.service(mail);

        assertThat(bytesOfCopy(mail)).isEqualTo(once);
        assertThat(mail.getMaybeSender().asString()).isEqualTo("alice@target.example");
    }

    @Test
    void countsAMailItRewroteButNotAnAlreadyPresentedPass() throws Exception {
        MailImpl mail = received("alice@source.example", rcpts("ext@external.example"), DAYONE_MAIL);

        mailet.service(mail);
        mailet.service(mail);

        assertThat(metrics.countFor("t2t_mail_rewritten_sender")).isEqualTo(1);
    }

    @Test
    void keepsNullSenderNullWhileRewritingFrom() throws Exception {
        MailImpl mail = received(null, rcpts("ext@external.example"),
            "From: alice@source.example\r\nSubject: Read: numbers\r\n\r\nreceipt\r\n");

        mailet.service(mail);

        assertThat(mail.getMaybeSender().isNullSender()).isTrue();
        assertThat(text(bytesOfCopy(mail))).startsWith("From: alice@target.example\r\n");
    }

    @Test
    void leavesUnparseableFieldUntouchedAndStillRewritesTheOthers() throws Exception {
        String message = "From: alice@source.example\r\nCc: \"unbalanced <bob@source.example>\r\n\r\nx\r\n";
        MailImpl mail = received("alice@source.example", rcpts("ext@external.example"), message);

        mailet.service(mail);

        assertThat(text(bytesOfCopy(mail))).isEqualTo(message.replace("From: alice@source.example", "From: alice@target.example"));
    }

    @Test
    void marksAnAlreadyPresentedMailForSigningLikeOneRewrittenNow() throws Exception {
        String message = "From: Alice <alice@target.example>\r\nTo: ext@external.example\r\n\r\nx\r\n";
        MailImpl mail = received("alice@target.example", rcpts("ext@external.example"), message);

        mailet.service(mail);

        assertThat(text(bytesOfCopy(mail))).isEqualTo(message);
        assertThat(mail.getAttribute(RewriteAttributes.SIGNING_DOMAIN).<Object>map(a -> a.getValue().getValue()))
            .contains("target.example");
    }

    @Test
    void recognisesAQuotedLocalPartThatNeedsNoQuotes() throws Exception {
        String message = "From: \"alice\"@source.example\r\nTo: ext@external.example\r\n\r\nx\r\n";
        MailImpl mail = received("alice@source.example", rcpts("ext@external.example"), message);

        mailet.service(mail);

        assertThat(text(bytesOfCopy(mail))).isEqualTo(message.replace("\"alice\"@source.example", "alice@target.example"));
    }

    @Test
    void changesNothingForNonMember() throws Exception {
        String message = "From: Frank <frank@source.example>\r\nTo: ext@external.example\r\n\r\nx\r\n";
        MailImpl mail = received("frank@source.example", rcpts("ext@external.example"), message);

        mailet.service(mail);

        assertThat(text(bytesOfCopy(mail))).isEqualTo(message);
        assertThat(mail.getAttribute(RewriteAttributes.SIGNING_DOMAIN)).isEmpty();
    }

    @Test
    void throwsWhenDirectoryIsUnavailableSoJamesKeepsTheMail() throws Exception {
        RewriteSender unavailable = new RewriteSender(new PinnedSnapshots(() -> {
            throw new DirectoryUnavailableException("no snapshot yet");
        }), metrics);
        unavailable.init(FakeMailetConfig.builder().mailetName("RewriteSender").build());
        MailImpl mail = received("alice@source.example", rcpts("ext@external.example"), DAYONE_MAIL);

        assertThatThrownBy(() -> unavailable.service(mail))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("directory unavailable");
        assertThat(mail.getMaybeSender().asOptional().map(MailAddress::asString)).isEqualTo(Optional.of("alice@source.example"));
    }

    @Test
    void rejectsUnknownParameter() {
        assertThatThrownBy(() -> new RewriteSender(new PinnedSnapshots(SCENARIOS), metrics).init(FakeMailetConfig.builder().mailetName("RewriteSender")
            .setProperty("group", "DayOne").build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("[group]");
    }
}
