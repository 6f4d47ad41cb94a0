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
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.glue.PinnedSnapshots;

class IsRecipientInTenantTest {
    private static final String MESSAGE = "From: ext@external.example\r\n\r\nhello\r\n";

    @Test
    void selectsTheRecipientsOfEachTenantsDomains() throws Exception {
        String[] recipients = {"dave@source.example", "bob@TARGET.example", "ext@external.example",
            "x@sub.source.example", "erin@source.example"};

        assertThat(inTenant(Fixtures::scenarioDirectory, "source").match(mail("ext@external.example", MESSAGE, recipients)))
            .containsExactly(new MailAddress("dave@source.example"), new MailAddress("erin@source.example"));
        assertThat(inTenant(Fixtures::scenarioDirectory, "target").match(mail("ext@external.example", MESSAGE, recipients)))
            .containsExactly(new MailAddress("bob@TARGET.example"));
    }

    @Test
    void needsATenantCondition() {
        assertThatThrownBy(() -> inTenant(Fixtures::scenarioDirectory, null)).isInstanceOf(MessagingException.class)
            .hasMessageContaining("'source' or 'target'");
        assertThatThrownBy(() -> inTenant(Fixtures::scenarioDirectory, "both")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("'both'");
    }

    @Test
    void throwsWhenTheDirectoryIsUnavailable() throws Exception {
        Directory unavailable = () -> {
            throw new DirectoryUnavailableException("no snapshot yet");
        };
        Matcher matcher = inTenant(unavailable, "source");

        assertThatThrownBy(() -> matcher.match(mail("ext@external.example", MESSAGE, "dave@source.example")))
            .isInstanceOf(MessagingException.class)
            .hasRootCauseInstanceOf(DirectoryUnavailableException.class);
    }

    private static Matcher inTenant(Directory directory, String condition) throws MessagingException {
        FakeMatcherConfig.Builder config = FakeMatcherConfig.builder().matcherName("IsRecipientInTenant");
        if (condition != null) {
            config.condition(condition);
        }
        IsRecipientInTenant matcher = new IsRecipientInTenant(new PinnedSnapshots(directory));
        matcher.init(config.build());
        return matcher;
    }
}
