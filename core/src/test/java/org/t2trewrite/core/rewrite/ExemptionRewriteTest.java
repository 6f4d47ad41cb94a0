package org.t2trewrite.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.core.Fixtures.address;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Exemption;
import org.t2trewrite.core.directory.ExemptionPattern;
import org.t2trewrite.core.directory.Exemptions;
import org.t2trewrite.core.header.HeaderSection;

/** The directory's exceptions as the rewriting rules honour them: exempt addresses are never rewritten. */
class ExemptionRewriteTest {
    /** bob (DayOne) is an exempt sender; erin (DayOne, cut over) an exempt recipient at her source address. */
    private static final DirectorySnapshot SNAPSHOT = Fixtures.scenarioDirectory().withExemptions(Exemptions.of(
        List.of(ExemptionPattern.parse("bob@source.example")),
        List.of(ExemptionPattern.parse("erin@source.example")),
        List.of(Domain.of("apps.example"))));

    private static HeaderSection header(String text) {
        return HeaderSection.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsFromAndEnvelopeOfExemptSenderAndSaysWhy() {
        String input = "From: Bob <bob@source.example>\r\nTo: alice@source.example\r\n";
        SenderRewrite rewrite = SenderRewrite.apply(SNAPSHOT, header(input), Optional.of(address("bob@source.example")));

        assertThat(rewrite.changed()).isFalse();
        assertThat(rewrite.signingDomain()).isEmpty();
        assertThat(rewrite.headers().section().toBytes()).isEqualTo(input.getBytes(StandardCharsets.UTF_8));
        assertThat(rewrite.exemption()).isEqualTo(Exemption.sender(address("bob@source.example"), "senders: bob@source.example"));
    }

    @Test
    void neverRewritesAnExemptAddressInAnotherSendersHeader() {
        SenderRewrite rewrite = SenderRewrite.apply(SNAPSHOT,
            header("From: alice@source.example\r\nTo: erin@source.example, bob@source.example\r\n"),
            Optional.of(address("alice@source.example")));

        assertThat(new String(rewrite.headers().section().toBytes(), StandardCharsets.UTF_8))
            .isEqualTo("From: alice@target.example\r\nTo: erin@source.example, bob@source.example\r\n");
        assertThat(rewrite.exemption().isExempt()).isFalse();
    }

    @Test
    void doesNotRedirectAnExemptRecipient() {
        RecipientRewrite rewrite = RecipientRewrite.apply(SNAPSHOT, header("To: erin@source.example\r\n"),
            Optional.of(address("ext@external.example")), List.of(address("erin@source.example")));

        assertThat(rewrite.changed()).isFalse();
        assertThat(rewrite.recipients()).containsExactly(address("erin@source.example"));
    }

    @Test
    void doesNotRedirectAnyRecipientOfAnExemptSender() {
        RecipientRewrite rewrite = RecipientRewrite.apply(SNAPSHOT, header("From: robot@apps.example\r\nTo: alice@target.example\r\n"),
            Optional.of(address("robot@apps.example")), List.of(address("alice@target.example")));

        assertThat(rewrite.changed()).isFalse();
        assertThat(rewrite.recipients()).containsExactly(address("alice@target.example"));
        assertThat(rewrite.exemption().entry()).contains("domains: apps.example");
    }

    @Test
    void exemptAddressIsNeverAlreadyPresentedForSigning() {
        DirectorySnapshot exemptTarget = Fixtures.scenarioDirectory().withExemptions(Exemptions.of(
            List.of(ExemptionPattern.parse("alice@target.example")), List.of(), List.of()));

        assertThat(SenderRewrite.alreadyPresentedDomain(Fixtures.scenarioDirectory(), Optional.of(address("alice@target.example"))))
            .contains(Domain.of("target.example"));
        assertThat(SenderRewrite.alreadyPresentedDomain(exemptTarget, Optional.of(address("alice@target.example")))).isEmpty();
        assertThat(AddressRules.presented(exemptTarget).replacementFor(address("alice@target.example")).map(Address::toString))
            .isEmpty();
    }
}
