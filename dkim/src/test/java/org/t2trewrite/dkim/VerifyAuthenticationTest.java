package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.RewriteAttributes;
import org.t2trewrite.testing.LoopbackDns;

class VerifyAuthenticationTest {
    private static final String MESSAGE = "Authentication-Results: relay.example; dkim=pass header.d=bank.example\r\n"
        + "Authentication-Results: (comment) RELAY.example; spf=pass\r\n"
        + "Authentication-Results: mx.other.example; spf=pass\r\n"
        + "From: bob@ext.example\r\nTo: alice@target.example\r\nSubject: hi\r\n\r\nHello\r\n";

    private static VerifyAuthentication mailet(String dnsServer, String... parameters) throws MessagingException {
        // The snippet of the class Javadoc.
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("VerifyAuthentication")
            .setProperty("sealingDomain", "relay.example")
            .setProperty("authservId", "relay.example")
            .setProperty("dnsServer", dnsServer)
            .setProperty("dnsQueryTimeoutMillis", "2000")
            .setProperty("dnsBudgetMillis", "5000");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        VerifyAuthentication mailet = new VerifyAuthentication(new DnsCaches());
        mailet.init(config.build());
        return mailet;
    }

    @Test
    void recordsResultsAndRemovesOnlyTheResultsThatClaimOurAuthservId() throws Exception {
        if (!LoopbackDns.available() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but dnsmasq is not installed");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(LoopbackDns.available(), "dnsmasq is not installed");
        try (LoopbackDns dns = LoopbackDns.builder().txt("ext.example", "v=spf1 -all").start()) {
            Mail mail = FakeMail.builder().name("m1").mimeMessage(TestMessages.mime(MESSAGE)).sender("bob@ext.example")
                .recipient("alice@target.example").remoteAddr("127.0.0.1").remoteHost("client.ext.example")
                .attribute(new org.apache.mailet.Attribute(Mail.SMTP_HELO, org.apache.mailet.AttributeValue.of("helo.ext.example")))
                .state(Mail.DEFAULT).build();

            mailet(dns.hostAndPort()).service(mail);

            String results = (String) mail.getAttribute(RewriteAttributes.AUTHENTICATION_RESULTS).orElseThrow().getValue().value();
            assertThat(results).isEqualTo("relay.example; dkim=none; spf=fail smtp.mailfrom=bob@ext.example; "
                + "dmarc=none header.from=ext.example; arc=none");
            assertThat(mail.getAttribute(RewriteAttributes.ARC_CHAIN).orElseThrow().getValue().value()).isEqualTo("none");
            assertThat(MailMessages.read(mail).header().fields("Authentication-Results")).hasSize(1)
                .allSatisfy(field -> assertThat(field.value()).contains("mx.other.example"));

            // A bounce (null sender): SPF checks postmaster@ the HELO name James recorded.
            Mail bounce = FakeMail.builder().name("m2").mimeMessage(TestMessages.mime(MESSAGE))
                .recipient("alice@target.example").remoteAddr("127.0.0.1").remoteHost("client.ext.example")
                .attribute(new org.apache.mailet.Attribute(Mail.SMTP_HELO, org.apache.mailet.AttributeValue.of("helo.ext.example")))
                .state(Mail.DEFAULT).build();
            mailet(dns.hostAndPort()).service(bounce);
            assertThat((String) bounce.getAttribute(RewriteAttributes.AUTHENTICATION_RESULTS).orElseThrow().getValue().value())
                .contains("smtp.mailfrom=postmaster@helo.ext.example");
        }
    }

    @Test
    void withoutSealingDomainNothingIsVerified() throws Exception {
        Mail mail = FakeMail.builder().name("m1").mimeMessage(TestMessages.mime(MESSAGE)).state(Mail.DEFAULT).build();

        mailet("127.0.0.1:53", "sealingDomain", "").service(mail);

        assertThat(mail.getAttribute(RewriteAttributes.AUTHENTICATION_RESULTS)).isEmpty();
        assertThat(MailMessages.read(mail).header().fields("Authentication-Results")).hasSize(3);
    }

    @Test
    void refusesBadValuesAtStartUp() {
        assertThatThrownBy(() -> mailet("localhost")).hasMessageContaining("is not HOST:PORT");
        assertThatThrownBy(() -> mailet("127.0.0.1:53", "dnsBudgetMillis", "0")).hasMessageContaining("dnsBudgetMillis");
        assertThatThrownBy(() -> mailet("127.0.0.1:53", "authservId", "relay example")).hasMessageContaining("not a host name");
        assertThatThrownBy(() -> mailet("127.0.0.1:53", "dnsTimeout", "1")).isInstanceOf(MessagingException.class);
    }
}
