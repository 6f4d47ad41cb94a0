package org.t2trewrite.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.t2trewrite.mailets.TestMails.bytesOfCopy;
import static org.t2trewrite.mailets.TestMails.rcpts;
import static org.t2trewrite.mailets.TestMails.received;
import static org.t2trewrite.mailets.TestMails.text;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.glue.PinnedSnapshots;

class RewriteRecipientsTest {
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private RewriteRecipients mailet;

    @BeforeEach
    void setUp() throws Exception {
        mailet = new RewriteRecipients(new PinnedSnapshots(Fixtures::scenarioDirectory), metrics);
        mailet.init(FakeMailetConfig.builder().mailetName("RewriteRecipients").build());
    }

    @Test
    void redirectsReplyBeforeCutoverToSourceMailbox() throws Exception {
        String message = "From: Ext <ext@external.example>\r\nTo: Alice Smith <alice@target.example>\r\nSubject: Re: x\r\n\r\nx\r\n";
        MailImpl mail = received("ext@external.example", rcpts("alice@target.example"), message);

        mailet.service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("alice@source.example"));
        assertThat(text(bytesOfCopy(mail))).isEqualTo(message.replace("<alice@target.example>", "<alice@source.example>"));
    }

    @Test
    void redirectsNullSenderBounceAndKeepsSenderNull() throws Exception {
        MailImpl mail = received(null, rcpts("alice@target.example"),
            "From: MAILER-DAEMON@external.example\r\nTo: alice@target.example\r\n\r\nbounce\r\n");

        mailet.service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("alice@source.example"));
        assertThat(mail.getMaybeSender().isNullSender()).isTrue();
    }

    @Test
    void redirectsReplyAfterCutoverToTargetMailbox() throws Exception {
        MailImpl mail = received("ext@external.example", rcpts("erin@source.example", "ext2@external.example"),
            "To: erin@source.example\r\n\r\nx\r\n");

        mailet.service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("erin@target.example"), new MailAddress("ext2@external.example"));
    }

    @Test
    void countsTheRedirectedMailAndItsRedirectedRecipientsOnly() throws Exception {
        mailet.service(received("ext@external.example", rcpts("erin@source.example", "ext2@external.example"),
            "To: erin@source.example\r\n\r\nx\r\n"));
        mailet.service(received("ext@external.example", rcpts("dave@target.example"), "To: dave@target.example\r\n\r\nx\r\n"));

        assertThat(metrics.countFor("t2t_mail_rewritten_recipients")).isEqualTo(1);
        assertThat(metrics.countFor("t2t_recipients_redirected")).isEqualTo(1);
    }

    @Test
    void keepsMailWithNoRedirectedRecipientByteIdentical() throws Exception {
        String message = "To: dave@target.example\r\nX-Custom:  keep\r\n\r\nx\r\n";
        MailImpl mail = received("ext@external.example", rcpts("dave@target.example"), message);

        mailet.service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("dave@target.example"));
        assertThat(text(bytesOfCopy(mail))).isEqualTo(message);
    }

    @Test
    void throwsWhenDirectoryIsUnavailable() throws Exception {
        RewriteRecipients unavailable = new RewriteRecipients(new PinnedSnapshots(() -> {
            throw new DirectoryUnavailableException("graph down, no snapshot");
        }), metrics);
        MailImpl mail = received("ext@external.example", rcpts("alice@target.example"), "To: alice@target.example\r\n\r\nx\r\n");

        assertThatThrownBy(() -> unavailable.service(mail)).isInstanceOf(MessagingException.class)
            .hasMessageContaining("graph down");
        assertThat(mail.getRecipients()).containsExactly(new MailAddress("alice@target.example"));
    }
}
