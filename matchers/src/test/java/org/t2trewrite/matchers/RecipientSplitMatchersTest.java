package org.t2trewrite.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.t2trewrite.matchers.MatcherMails.mail;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.glue.PinnedSnapshots;

class RecipientSplitMatchersTest {
    private static final Directory SCENARIOS = Fixtures::scenarioDirectory;
    private static final String CAROL = "From: Carol <carol@target.example>\r\nTo: x\r\n\r\nhello\r\n";
    private static final String CAROL_INVITE = "From: Carol <carol@target.example>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        + "--b\r\nContent-Type: TEXT/CALENDAR; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\n--b--\r\n";

    private static Matcher calendarToSource(String condition) throws MessagingException {
        FakeMatcherConfig.Builder config = FakeMatcherConfig.builder().matcherName("IsCalendarToSource");
        if (condition != null) {
            config.condition(condition);
        }
        IsCalendarToSource matcher = new IsCalendarToSource(new PinnedSnapshots(SCENARIOS));
        matcher.init(config.build());
        return matcher;
    }

    @Test
    void selectsSourceMailboxRecipientsOfDayTwoMail() throws Exception {
        assertThat(calendarToSource(null).match(mail("carol@target.example", CAROL,
            "ext@external.example", "dave@source.example", "bob@target.example", "erin@source.example", "nobody@source.example")))
            .containsExactly(new MailAddress("dave@source.example"), new MailAddress("bob@target.example"),
                new MailAddress("nobody@source.example"));
    }

    @Test
    void selectsNothingForMailFromOthers() throws Exception {
        assertThat(calendarToSource(null).match(mail("alice@source.example", "From: alice@source.example\r\n\r\nx\r\n",
            "dave@source.example"))).isEmpty();
    }

    @Test
    void narrowsToInvitesWithCondition() throws Exception {
        Matcher invites = calendarToSource("invites");

        assertThat(invites.match(mail("carol@target.example", CAROL, "dave@source.example"))).isEmpty();
        assertThat(invites.match(mail("carol@target.example", CAROL_INVITE, "dave@source.example")))
            .containsExactly(new MailAddress("dave@source.example"));
    }

    @Test
    void rejectsUnknownCalendarCondition() {
        assertThatThrownBy(() -> calendarToSource("invite")).isInstanceOf(MessagingException.class);
    }

    @Test
    void selectsRecipientsAddressedOutsideTheirMailboxTenant() throws Exception {
        IsRedirectedRecipient matcher = new IsRedirectedRecipient(new PinnedSnapshots(SCENARIOS));
        matcher.init(FakeMatcherConfig.builder().matcherName("IsRedirectedRecipient").build());

        assertThat(matcher.match(mail(null, "From: x@external.example\r\n\r\nx\r\n",
            "alice@target.example", "alice@source.example", "erin@source.example", "dave@target.example", "gina@target.example")))
            .containsExactly(new MailAddress("alice@target.example"), new MailAddress("erin@source.example"));
    }
}
