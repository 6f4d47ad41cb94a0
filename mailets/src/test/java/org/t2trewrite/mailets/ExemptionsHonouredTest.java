package org.t2trewrite.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.mailets.TestMails.bytesOfCopy;
import static org.t2trewrite.mailets.TestMails.rcpts;
import static org.t2trewrite.mailets.TestMails.received;
import static org.t2trewrite.mailets.TestMails.text;

import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.core.MailAddress;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.core.directory.ExemptionPattern;
import org.t2trewrite.core.directory.Exemptions;
import org.t2trewrite.glue.PinnedSnapshots;
import org.t2trewrite.glue.RewriteAttributes;
import org.t2trewrite.matchers.IsCalendarToSource;
import org.t2trewrite.matchers.IsDayOneMember;
import org.t2trewrite.matchers.IsRedirectedRecipient;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * The directory's exceptions as every matcher and mailet honours them, each exemption logged as a
 * decision ({@code rule=exempt}). bob (DayOne) is an exempt sender, approvals@target.example and
 * erin@source.example (DayOne, cut over) exempt recipients, apps.example an exempt domain.
 */
class ExemptionsHonouredTest {
    private static final Directory DIRECTORY = () -> Fixtures.scenarioDirectory().withExemptions(Exemptions.of(
        List.of(ExemptionPattern.parse("bob@source.example")),
        List.of(ExemptionPattern.parse("approvals@target.example"), ExemptionPattern.parse("erin@source.example"),
            ExemptionPattern.parse("dave@source.example")),
        List.of(Domain.of("apps.example"))));

    private final PinnedSnapshots snapshots = new PinnedSnapshots(DIRECTORY);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void captureLogs() {
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        root.detachAppender(logs);
    }

    private List<String> lines(Level level) {
        return logs.list.stream().filter(event -> event.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
            .collect(Collectors.toList());
    }

    private RewriteSender rewriteSender() throws Exception {
        RewriteSender mailet = new RewriteSender(snapshots, new RecordingMetricFactory());
        mailet.init(FakeMailetConfig.builder().mailetName("RewriteSender").build());
        return mailet;
    }

    private RewriteRecipients rewriteRecipients() throws Exception {
        RewriteRecipients mailet = new RewriteRecipients(snapshots, new RecordingMetricFactory());
        mailet.init(FakeMailetConfig.builder().mailetName("RewriteRecipients").build());
        return mailet;
    }

    @Test
    void dayOneMatcherLeavesTheExemptRecipientOutOfTheRewrittenCopy() throws Exception {
        IsDayOneMember matcher = new IsDayOneMember(snapshots);
        matcher.init(FakeMatcherConfig.builder().matcherName("IsDayOneMember").build());
        MailImpl mail = received("alice@source.example", rcpts("ext@external.example", "approvals@target.example"),
            "From: alice@source.example\r\nTo: ext@external.example, approvals@target.example\r\n\r\nhi\r\n");

        assertThat(matcher.match(mail)).containsExactly(new MailAddress("ext@external.example"));
        assertThat(lines(Level.INFO)).anyMatch(line -> line.endsWith("rule=exempt by=IsDayOneMember prevented=sender-rewrite"
            + " exempt=[approvals@target.example (recipients: approvals@target.example)]"));
    }

    @Test
    void dayOneMatcherMatchesNothingForAnExemptSender() throws Exception {
        IsDayOneMember matcher = new IsDayOneMember(snapshots);
        matcher.init(FakeMatcherConfig.builder().matcherName("IsDayOneMember").build());
        MailImpl mail = received("bob@source.example", rcpts("ext@external.example"),
            "From: bob@source.example\r\nTo: ext@external.example\r\n\r\nhi\r\n");

        assertThat(matcher.match(mail)).isEmpty();
        assertThat(lines(Level.INFO)).anyMatch(line -> line.contains(
            "rule=exempt by=IsDayOneMember prevented=sender-rewrite exempt=exempt sender bob@source.example (senders: bob@source.example)"));
    }

    @Test
    void rewriteSenderLeavesAnExemptSendersMailAsItCameAndUnmarked() throws Exception {
        String message = "From: Bob <bob@source.example>\r\nTo: alice@source.example\r\n\r\nhi\r\n";
        MailImpl mail = received("bob@source.example", rcpts("ext@external.example"), message);

        rewriteSender().service(mail);

        assertThat(text(bytesOfCopy(mail))).isEqualTo(message);
        assertThat(mail.getMaybeSender().asString()).isEqualTo("bob@source.example");
        assertThat(mail.getAttribute(RewriteAttributes.SIGNING_DOMAIN)).isEmpty();
        assertThat(lines(Level.INFO)).anyMatch(line -> line.contains("rule=exempt by=RewriteSender sender=bob@source.example"));
    }

    @Test
    void rewriteSenderRewritesNothingInACopyThatStillHasAnExemptRecipient() throws Exception {
        String message = "From: alice@source.example\r\nTo: ext@external.example\r\n\r\nhi\r\n";
        MailImpl mail = received("alice@source.example", rcpts("ext@external.example", "x@apps.example"), message);

        rewriteSender().service(mail);

        assertThat(text(bytesOfCopy(mail))).isEqualTo(message);
        assertThat(mail.getAttribute(RewriteAttributes.SIGNING_DOMAIN)).isEmpty();
        assertThat(lines(Level.WARN)).anyMatch(line -> line.contains("exempt=[x@apps.example (domains: apps.example)]")
            && line.contains("nothing rewritten"));
    }

    @Test
    void redirectMatcherNeverSelectsAnExemptRecipient() throws Exception {
        IsRedirectedRecipient matcher = new IsRedirectedRecipient(snapshots);
        matcher.init(FakeMatcherConfig.builder().matcherName("IsRedirectedRecipient").build());
        MailImpl mail = received("ext@external.example", rcpts("erin@source.example", "alice@target.example"),
            "From: ext@external.example\r\nTo: erin@source.example, alice@target.example\r\n\r\nhi\r\n");

        assertThat(matcher.match(mail)).containsExactly(new MailAddress("alice@target.example"));
        assertThat(lines(Level.INFO)).anyMatch(line -> line.endsWith(
            "rule=exempt by=IsRedirectedRecipient prevented=redirect exempt=[erin@source.example (recipients: erin@source.example)]"));
    }

    @Test
    void nothingIsRedirectedForAnExemptSender() throws Exception {
        IsRedirectedRecipient matcher = new IsRedirectedRecipient(snapshots);
        matcher.init(FakeMatcherConfig.builder().matcherName("IsRedirectedRecipient").build());
        String message = "From: robot@apps.example\r\nTo: alice@target.example\r\n\r\nhi\r\n";
        MailImpl mail = received("robot@apps.example", rcpts("alice@target.example"), message);

        assertThat(matcher.match(mail)).isEmpty();
        rewriteRecipients().service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("alice@target.example"));
        assertThat(text(bytesOfCopy(mail))).isEqualTo(message);
        assertThat(lines(Level.INFO)).anyMatch(line -> line.contains("rule=exempt by=RewriteRecipients exempt sender robot@apps.example"));
    }

    @Test
    void calendarMatcherKeepsTheExemptRecipientOutOfTheCalendarCopy() throws Exception {
        IsCalendarToSource matcher = new IsCalendarToSource(snapshots);
        matcher.init(FakeMatcherConfig.builder().matcherName("IsCalendarToSource").build());
        MailImpl mail = received("carol@target.example", rcpts("dave@source.example", "bob@target.example"),
            "From: carol@target.example\r\nTo: dave@source.example\r\n\r\nhi\r\n");

        assertThat(matcher.match(mail)).containsExactly(new MailAddress("bob@target.example"));
        assertThat(lines(Level.INFO)).anyMatch(line -> line.endsWith(
            "rule=exempt by=IsCalendarToSource prevented=calendar-copy exempt=[dave@source.example (recipients: dave@source.example)]"));
    }
}
