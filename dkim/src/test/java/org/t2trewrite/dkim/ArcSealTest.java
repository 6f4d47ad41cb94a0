package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.RewriteAttributes;

class ArcSealTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_780_000_000L);
    private static final String MESSAGE = "From: bob@ext.example\r\nTo: alice@source.example\r\nSubject: hi\r\n\r\nHello\r\n";
    private static final String RESULTS = "relay.example; dkim=pass header.d=ext.example; spf=none smtp.mailfrom=bob@ext.example";

    @TempDir
    Path keyFolder;
    @TempDir
    Path work;

    private final RecordingMetricFactory metrics = new RecordingMetricFactory();

    private ArcSeal mailet(String... parameters) throws MessagingException {
        TestKeys.write(keyFolder, "arc._domainkey.relay.example.pem", TestKeys.pkcs8(TestKeys.RSA_2048));
        // The snippet of the class Javadoc, with this test's folder.
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("ArcSeal")
            .setProperty("keyFolder", keyFolder.toString())
            .setProperty("sealingDomain", "relay.example")
            .setProperty("selector", "arc")
            .setProperty("seal", "changed")
            .setProperty("signedHeaders", "From:To:Cc:Subject:Date:Message-ID:DKIM-Signature")
            .setProperty("convert8Bit", "true")
            .setProperty("keyFolderCheckSeconds", "10");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        ArcSeal mailet = new ArcSeal(metrics, Clock.fixed(NOW, ZoneOffset.UTC));
        mailet.init(config.build());
        return mailet;
    }

    private static Mail changedMail() throws MessagingException {
        return FakeMail.builder().name("mail1").mimeMessage(TestMessages.mime(MESSAGE))
            .attribute(new Attribute(RewriteAttributes.MESSAGE_CHANGED, AttributeValue.of(true)))
            .attribute(new Attribute(RewriteAttributes.AUTHENTICATION_RESULTS, AttributeValue.of(RESULTS)))
            .attribute(new Attribute(RewriteAttributes.ARC_CHAIN, AttributeValue.of("none")))
            .state(Mail.DEFAULT).build();
    }

    @Test
    void sealsAChangedMailWithTheRecordedResults() throws Exception {
        Mail mail = changedMail();

        mailet().service(mail);

        List<HeaderField> fields = MailMessages.read(mail).header().fields();
        assertThat(fields.subList(0, 3)).extracting(HeaderField::name)
            .containsExactly("ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results");
        assertThat(fields.get(2).value().replaceAll("\\s+", " ")).contains("i=1; relay.example; dkim=pass header.d=ext.example");
        assertThat(metrics.countFor(ArcSeal.SEALED_METRIC)).isEqualTo(1);
        Verifiers.requirePythonDkim();
        Verifiers.PythonResult verified = new Verifiers().publish("arc", "relay.example", TestKeys.rsaRecord(TestKeys.RSA_2048))
            .arcPython(bytes(mail), work, "verify");
        assertThat(verified.allPass()).as(verified.toString()).isTrue();
    }

    @Test
    void aSecondPassLeavesOneSetOfOursWithTheFirstResults() throws Exception {
        ArcSeal mailet = mailet();
        Mail mail = changedMail();
        mailet.service(mail);
        // A retry or a reprocessed copy: attributes lost, the set in the header is what counts.
        Mail again = FakeMail.builder().name("mail1").mimeMessage(TestMessages.mime(bytes(mail)))
            .attribute(new Attribute(RewriteAttributes.MESSAGE_CHANGED, AttributeValue.of(true))).state(Mail.DEFAULT).build();

        mailet.service(again);

        String text = new String(bytes(again), StandardCharsets.US_ASCII);
        assertThat(MailMessages.read(again).header().fields("ARC-Seal")).hasSize(1);
        assertThat(MailMessages.read(again).header().fields("ARC-Authentication-Results")).hasSize(1);
        assertThat(text.replaceAll("\\s+", " ")).contains("i=1; relay.example; dkim=pass header.d=ext.example");
        assertThat(text).endsWith(MESSAGE.substring(MESSAGE.indexOf("From:")));
    }

    @Test
    void unchangedMailIsNotSealed() throws Exception {
        Mail mail = FakeMail.builder().name("mail1").mimeMessage(TestMessages.mime(MESSAGE)).state(Mail.DEFAULT).build();

        mailet().service(mail);

        assertThat(MailMessages.read(mail).header().fields("ARC-Seal")).isEmpty();
    }

    @Test
    void withoutSealingDomainArcIsOff() throws Exception {
        Mail mail = changedMail();

        mailet("sealingDomain", "").service(mail);

        assertThat(MailMessages.read(mail).header().fields("ARC-Seal")).isEmpty();
    }

    @Test
    void refusesAMissingKeyAndAnArcSealInTheSignedHeadersAtStartUp() {
        assertThatThrownBy(() -> mailet("selector", "other")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("other._domainkey.relay.example.pem");
        assertThatThrownBy(() -> mailet("signedHeaders", "From:ARC-Seal")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("must not cover ARC-Seal");
        assertThatThrownBy(() -> mailet("seal", "sometimes")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("seal must be");
    }

    private static byte[] bytes(Mail mail) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }
}
