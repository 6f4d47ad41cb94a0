package org.t2trewrite.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.t2trewrite.matchers.MatcherMails.mail;

import java.util.stream.Stream;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.glue.PinnedSnapshots;

class GroupMemberMatchersTest {
    private static final Directory SCENARIOS = Fixtures::scenarioDirectory;

    private static Matcher init(Matcher matcher, String name, String condition) throws MessagingException {
        FakeMatcherConfig.Builder config = FakeMatcherConfig.builder().matcherName(name);
        if (condition != null) {
            config.condition(condition);
        }
        matcher.init(config.build());
        return matcher;
    }

    static Stream<Arguments> senderCases() {
        return Stream.of(
            Arguments.of("dayone by From", "alice@source.example", "From: \"A\" <alice@source.example>\r\n", true, false),
            Arguments.of("dayone by alias in From", "x@external.example", "From: a.smith@source.example\r\n", true, false),
            Arguments.of("dayone by envelope when no From", "bob@source.example", "Subject: no from\r\n", true, false),
            Arguments.of("From wins over envelope", "alice@source.example", "From: frank@source.example\r\n", false, false),
            Arguments.of("daytwo by From", "carol@target.example", "From: Carol <carol@target.example>\r\n", false, true),
            Arguments.of("no group", "dave@source.example", "From: dave@source.example\r\n", false, false),
            Arguments.of("conflict matches neither", "gina@source.example", "From: gina@source.example\r\n", false, false),
            Arguments.of("null sender with eligible From", null, "From: alice@source.example\r\n", true, false),
            Arguments.of("external", "ext@external.example", "From: ext@external.example\r\n", false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("senderCases")
    void matchesBySenderIdentity(String name, String sender, String header, boolean dayOne, boolean dayTwo) throws Exception {
        Matcher isDayOne = init(new IsDayOneMember(new PinnedSnapshots(SCENARIOS)), "IsDayOneMember", null);
        Matcher isDayTwo = init(new IsDayTwoMember(new PinnedSnapshots(SCENARIOS)), "IsDayTwoMember", null);

        assertThat(isDayOne.match(mail(sender, header + "\r\nx\r\n", "r1@external.example", "r2@external.example")))
            .hasSize(dayOne ? 2 : 0);
        assertThat(isDayTwo.match(mail(sender, header + "\r\nx\r\n", "r1@external.example", "r2@external.example")))
            .hasSize(dayTwo ? 2 : 0);
    }

    @Test
    void returnsTheRecipientsWhoAreMembersWithRecipientsCondition() throws Exception {
        Matcher matcher = init(new IsDayOneMember(new PinnedSnapshots(SCENARIOS)), "IsDayOneMember", "recipients");

        assertThat(matcher.match(mail("ext@external.example", "From: ext@external.example\r\n\r\nx\r\n",
            "alice@target.example", "carol@target.example", "erin@source.example", "ext@external.example")))
            .containsExactly(new MailAddress("alice@target.example"), new MailAddress("erin@source.example"));
    }

    @Test
    void rejectsAnUnknownCondition() {
        assertThatThrownBy(() -> init(new IsDayTwoMember(new PinnedSnapshots(SCENARIOS)), "IsDayTwoMember", "recipient"))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("'recipient'");
    }

    @Test
    void throwsWhenDirectoryIsUnavailable() throws Exception {
        Matcher matcher = init(new IsDayOneMember(new PinnedSnapshots(() -> {
            throw new DirectoryUnavailableException("not loaded");
        })), "IsDayOneMember", null);

        assertThatThrownBy(() -> matcher.match(mail("alice@source.example", "From: alice@source.example\r\n\r\nx\r\n", "e@x.example")))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("not loaded");
    }
}
