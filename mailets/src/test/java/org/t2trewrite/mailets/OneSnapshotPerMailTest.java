package org.t2trewrite.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.mailets.TestMails.bytesOfCopy;
import static org.t2trewrite.mailets.TestMails.rcpts;
import static org.t2trewrite.mailets.TestMails.received;
import static org.t2trewrite.mailets.TestMails.text;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.PinnedSnapshots;
import org.t2trewrite.matchers.IsDayOneMember;
import org.t2trewrite.matchers.IsRedirectedRecipient;

/**
 * A matcher and its mailet decide on one directory snapshot: a directory change that lands
 * between them does not change what the mailet does to that mail (it does for the next mail).
 */
class OneSnapshotPerMailTest {
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private static final String MAIL = "From: Alice <alice@source.example>\r\nTo: ext@external.example\r\n"
        + "Subject: s\r\n\r\nbody\r\n";
    private static final String REPLY = "From: ext@external.example\r\nTo: alice@target.example\r\n"
        + "Subject: Re: s\r\n\r\nbody\r\n";

    private final AtomicReference<DirectorySnapshot> directory = new AtomicReference<>(aliceIn(Group.DAY_ONE));
    private final PinnedSnapshots snapshots = new PinnedSnapshots(directory::get);

    private static DirectorySnapshot aliceIn(Group... groups) {
        return DirectorySnapshot.of(Fixtures.TENANTS, List.of(Fixtures.person("alice", Tenant.SOURCE, groups)), Instant.EPOCH);
    }

    private IsDayOneMember isDayOne;
    private IsRedirectedRecipient isRedirected;
    private RewriteSender rewriteSender;
    private RewriteRecipients rewriteRecipients;

    @BeforeEach
    void setUp() throws Exception {
        isDayOne = new IsDayOneMember(snapshots);
        isDayOne.init(FakeMatcherConfig.builder().matcherName("IsDayOneMember").build());
        isRedirected = new IsRedirectedRecipient(snapshots);
        isRedirected.init(FakeMatcherConfig.builder().matcherName("IsRedirectedRecipient").build());
        rewriteSender = new RewriteSender(snapshots, metrics);
        rewriteSender.init(FakeMailetConfig.builder().mailetName("RewriteSender").build());
        rewriteRecipients = new RewriteRecipients(snapshots, metrics);
        rewriteRecipients.init(FakeMailetConfig.builder().mailetName("RewriteRecipients").build());
    }

    private static MailImpl preserved(String sender, String recipient, String message) throws Exception {
        MailImpl mail = received(sender, rcpts(recipient), message);
        MailMessages.install(mail, MailMessages.copyOf(mail.getMessage()));
        return mail;
    }

    @Test
    void senderRemovedFromDayOneBetweenMatcherAndMailetIsStillRewrittenForThisMail() throws Exception {
        MailImpl mail = preserved("alice@source.example", "ext@external.example", MAIL);
        assertThat(isDayOne.match(mail)).containsExactly(new MailAddress("ext@external.example"));

        directory.set(aliceIn());
        rewriteSender.service(mail);

        assertThat(mail.getMaybeSender()).isEqualTo(MaybeSender.of(new MailAddress("alice@target.example")));
        assertThat(text(bytesOfCopy(mail))).contains("From: Alice <alice@target.example>");

        MailImpl next = preserved("alice@source.example", "ext@external.example", MAIL);
        assertThat(isDayOne.match(next)).isEmpty();
    }

    @Test
    void recipientRedirectionDecidedByTheMatcherIsTheOneApplied() throws Exception {
        MailImpl mail = preserved("ext@external.example", "alice@target.example", REPLY);
        assertThat(isRedirected.match(mail)).containsExactly(new MailAddress("alice@target.example"));

        directory.set(aliceIn());
        Mail copy = MailImpl.duplicate(mail);
        rewriteRecipients.service(copy);

        assertThat(copy.getRecipients()).containsExactly(new MailAddress("alice@source.example"));
        assertThat(text(bytesOfCopy(copy))).contains("To: alice@source.example");
    }
}
