package org.t2trewrite.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

class RecordRetryTest {
    @Test
    void countsEachRetryAndLeavesTheMailForRequeue() throws Exception {
        RecordRetry mailet = mailet("3");
        Mail mail = mail();

        mailet.service(mail);
        mailet.service(mail);

        assertThat(RecordRetry.retriesSoFar(mail)).isEqualTo(2);
        assertThat(mail.getState()).isEqualTo("t2t-retry");
    }

    @Test
    void sendsTheMailToTheExhaustedProcessorAfterMaxAttempts() throws Exception {
        RecordRetry mailet = mailet("2");
        Mail mail = mail();

        mailet.service(mail);
        mailet.service(mail);
        assertThat(mail.getState()).isEqualTo("t2t-retry");
        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo("kept-retries-exhausted");
        assertThat(RecordRetry.retriesSoFar(mail)).isEqualTo(2);
    }

    @Test
    void requiresTheExhaustedProcessor() throws Exception {
        assertThat(mailet("5").requiredProcessingState()).containsExactly(new ProcessingState("kept-retries-exhausted"));
    }

    @Test
    void refusesBadConfiguration() {
        assertThatThrownBy(() -> mailet("0")).hasMessageContaining("maxAttempts").hasMessageContaining("'0'");
        assertThatThrownBy(() -> mailet("many")).hasMessageContaining("'many'");
        assertThatThrownBy(() -> new RecordRetry().init(FakeMailetConfig.builder().mailetName("RecordRetry")
                .setProperty(RecordRetry.MAX_ATTEMPTS, "5").build()))
            .hasMessageContaining("exhaustedProcessor");
        assertThatThrownBy(() -> new RecordRetry().init(FakeMailetConfig.builder().mailetName("RecordRetry")
                .setProperty(RecordRetry.MAX_ATTEMPTS, "5")
                .setProperty(RecordRetry.EXHAUSTED_PROCESSOR, "kept")
                .setProperty("delay", "5m").build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("delay");
    }

    // The parameters of the class Javadoc's snippet, but with maxAttempts varied.
    private static RecordRetry mailet(String maxAttempts) throws MessagingException {
        RecordRetry mailet = new RecordRetry();
        mailet.init(FakeMailetConfig.builder().mailetName("RecordRetry")
            .setProperty(RecordRetry.MAX_ATTEMPTS, maxAttempts)
            .setProperty(RecordRetry.EXHAUSTED_PROCESSOR, "kept-retries-exhausted")
            .build());
        return mailet;
    }

    private static Mail mail() throws MessagingException {
        Mail mail = FakeMail.builder().name("m1").sender("alice@source.example").recipient("ext@external.example").build();
        mail.setState("t2t-retry");
        return mail;
    }
}
