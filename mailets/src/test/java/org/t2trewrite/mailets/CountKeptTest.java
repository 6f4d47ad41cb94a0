package org.t2trewrite.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

class CountKeptTest {
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();

    private CountKept mailet(String reason) throws MessagingException {
        CountKept mailet = new CountKept(metrics);
        // The parameters of the Javadoc snippet.
        mailet.init(FakeMailetConfig.builder().mailetName("CountKept").setProperty("reason", reason).build());
        return mailet;
    }

    @Test
    void countsEachKeptMailUnderItsReasonAndLeavesItAsItIs() throws Exception {
        CountKept error = mailet("error");
        CountKept relayDenied = mailet("relay-denied");
        Mail mail = FakeMail.builder().name("m1").state("error").build();

        error.service(mail);
        error.service(FakeMail.builder().name("m2").build());
        relayDenied.service(FakeMail.builder().name("m3").build());

        assertThat(metrics.countFor("t2t_mail_kept_error")).isEqualTo(2);
        assertThat(metrics.countFor("t2t_mail_kept_relay_denied")).isEqualTo(1);
        assertThat(mail.getState()).isEqualTo("error");
    }

    @Test
    void refusesToStartWithoutAReason() {
        assertThatThrownBy(() -> new CountKept(metrics).init(FakeMailetConfig.builder().mailetName("CountKept").build()))
            .isInstanceOf(MessagingException.class).hasMessageContaining("reason is required");
    }

    @Test
    void refusesAReasonThatIsNotAMetricNameNamingIt() {
        assertThatThrownBy(() -> mailet("Relay Denied"))
            .isInstanceOf(MessagingException.class).hasMessageContaining("'Relay Denied'");
    }

    @Test
    void refusesAnUnknownParameter() {
        assertThatThrownBy(() -> new CountKept(metrics).init(FakeMailetConfig.builder().mailetName("CountKept")
            .setProperty("reason", "error").setProperty("reasons", "error").build()))
            .isInstanceOf(MessagingException.class).hasMessageContaining("reasons");
    }
}
