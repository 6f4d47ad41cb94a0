package org.t2trewrite.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.t2trewrite.core.directory.DirectoryUnavailableException;

class IsTemporaryFailureTest {
    private static final String SNIPPET_CONDITION = null;

    @Test
    void matchesMailThatFailedBecauseTheDirectoryWasUnavailable() throws Exception {
        Mail mail = failedWith(new MessagingException("mail m1: directory unavailable, mail kept for retry",
            new DirectoryUnavailableException("no snapshot yet")));

        assertThat(matcher().match(mail)).containsExactlyElementsOf(mail.getRecipients());
    }

    @Test
    void findsTheCauseThroughNextExceptionChains() throws Exception {
        MessagingException outer = new MessagingException("outer");
        outer.setNextException(new DirectoryUnavailableException("no snapshot yet"));

        assertThat(matcher().match(failedWith(new RuntimeException(outer)))).isNotEmpty();
    }

    @Test
    void doesNotMatchOtherFailures() throws Exception {
        assertThat(matcher().match(failedWith(new MessagingException("no DKIM key for target.example")))).isEmpty();
        assertThat(matcher().match(failedWith(new IllegalStateException("bug", new IOException("disk"))))).isEmpty();
    }

    @Test
    void doesNotMatchMailWithoutRecordedFailure() throws Exception {
        assertThat(matcher().match(mail())).isEmpty();
    }

    @Test
    void survivesACauseCycle() throws Exception {
        Exception first = new Exception("first");
        Exception second = new Exception("second", first);
        first.initCause(second);

        assertThat(matcher().match(failedWith(first))).isEmpty();
    }

    @Test
    void refusesACondition() {
        IsTemporaryFailure matcher = new IsTemporaryFailure();
        assertThatThrownBy(() -> matcher.init(FakeMatcherConfig.builder().matcherName("IsTemporaryFailure")
                .condition("anything").build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("'anything'");
    }

    private static IsTemporaryFailure matcher() throws MessagingException {
        IsTemporaryFailure matcher = new IsTemporaryFailure();
        matcher.init(FakeMatcherConfig.builder().matcherName("IsTemporaryFailure").condition(SNIPPET_CONDITION).build());
        return matcher;
    }

    private static Mail failedWith(Throwable failure) throws MessagingException {
        Mail mail = mail();
        mail.setAttribute(new Attribute(Mail.MAILET_ERROR, AttributeValue.ofUnserializable(failure)));
        return mail;
    }

    private static Mail mail() throws MessagingException {
        return FakeMail.builder().name("m1").sender("alice@source.example")
            .recipients(new MailAddress("ext@external.example"), new MailAddress("bob@other.example")).build();
    }
}
