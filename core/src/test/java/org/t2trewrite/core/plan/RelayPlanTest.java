package org.t2trewrite.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.core.Fixtures.address;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Exemption;
import org.t2trewrite.core.directory.ExemptionPattern;
import org.t2trewrite.core.directory.Exemptions;
import org.t2trewrite.core.header.HeaderSection;

/** The pipeline's decisions per recipient, on the design's scenario directory (see {@link Fixtures}). */
class RelayPlanTest {
    private static final DirectorySnapshot SNAPSHOT = Fixtures.scenarioDirectory().withExemptions(Exemptions.of(
        List.of(ExemptionPattern.parse("noreply*@source.example")),
        List.of(ExemptionPattern.parse("approvals@target.example")), List.of()));

    private static RelayPlan plan(String header, String sender, String... recipients) {
        return RelayPlan.of(SNAPSHOT, HeaderSection.parse(header.getBytes(StandardCharsets.UTF_8)), new byte[0],
            Optional.ofNullable(sender).map(Address::parse), List.of(recipients).stream().map(Address::parse)
                .collect(java.util.stream.Collectors.toList()), false);
    }

    private static RecipientPlan only(RelayPlan plan, String recipient) {
        return plan.recipients().stream().filter(p -> p.recipient().equals(address(recipient))).findFirst().orElseThrow();
    }

    @Test
    void dayOneSenderIsPresentedWithTargetAddressAndSignedForTarget() {
        RelayPlan plan = plan("From: Alice <alice@source.example>\r\nTo: ext@external.example\r\n", "alice@source.example",
            "ext@external.example");

        RecipientPlan ext = only(plan, "ext@external.example");
        assertThat(ext.senderRewrite()).contains(Group.DAY_ONE);
        assertThat(ext.from()).contains(address("alice@target.example"));
        assertThat(ext.envelopeSender()).contains(address("alice@target.example"));
        assertThat(ext.signingDomain()).contains(Domain.of("target.example"));
        assertThat(ext.routeTenant()).isEmpty();
        assertThat(ext.exemption().isExempt()).isFalse();
    }

    @Test
    void dayTwoSendersCopyToSourceMailboxKeepsTheRealAddressUnsigned() {
        RelayPlan plan = plan("From: carol@target.example\r\nTo: dave@source.example, ext@external.example\r\n",
            "carol@target.example", "dave@source.example", "ext@external.example");

        RecipientPlan dave = only(plan, "dave@source.example");
        assertThat(dave.calendarCopy()).isTrue();
        assertThat(dave.senderRewrite()).isEmpty();
        assertThat(dave.from()).contains(address("carol@target.example"));
        assertThat(dave.signingDomain()).isEmpty();
        assertThat(dave.routeTenant()).contains(Tenant.SOURCE);
        RecipientPlan ext = only(plan, "ext@external.example");
        assertThat(ext.calendarCopy()).isFalse();
        assertThat(ext.from()).contains(address("carol@source.example"));
        assertThat(ext.signingDomain()).contains(Domain.of("source.example"));
    }

    @Test
    void replyToAMovedPersonIsRedirectedAndRoutedToTheirMailbox() {
        RelayPlan plan = plan("From: ext@external.example\r\nTo: alice@target.example\r\n", "ext@external.example",
            "alice@target.example", "other@elsewhere.example");

        RecipientPlan alice = only(plan, "alice@target.example");
        assertThat(alice.redirectedTo()).contains(address("alice@source.example"));
        assertThat(alice.delivered()).isEqualTo(address("alice@source.example"));
        assertThat(alice.routeTenant()).contains(Tenant.SOURCE);
        assertThat(alice.signingDomain()).isEmpty();
        RecipientPlan other = only(plan, "other@elsewhere.example");
        assertThat(other.redirectedTo()).isEmpty();
        assertThat(other.header().toString()).contains("To: alice@target.example");
    }

    @Test
    void exemptSendersMailIsLeftAloneForEveryRecipient() {
        RelayPlan plan = plan("From: noreply-hr@source.example\r\nTo: alice@target.example\r\n", "noreply-hr@source.example",
            "alice@target.example", "ext@external.example");

        for (RecipientPlan recipient : plan.recipients()) {
            assertThat(recipient.exemption().reason()).isEqualTo(Exemption.Reason.SENDER);
            assertThat(recipient.redirectedTo()).isEmpty();
            assertThat(recipient.senderRewrite()).isEmpty();
            assertThat(recipient.signingDomain()).isEmpty();
            assertThat(recipient.from()).contains(address("noreply-hr@source.example"));
        }
    }

    @Test
    void exemptRecipientsCopyIsLeftAloneWhileTheOthersAreRewritten() {
        RelayPlan plan = plan("From: alice@source.example\r\nTo: approvals@target.example, ext@external.example\r\n",
            "alice@source.example", "approvals@target.example", "ext@external.example");

        RecipientPlan approvals = only(plan, "approvals@target.example");
        assertThat(approvals.exemption().reason()).isEqualTo(Exemption.Reason.RECIPIENT);
        assertThat(approvals.from()).contains(address("alice@source.example"));
        assertThat(approvals.signingDomain()).isEmpty();
        assertThat(approvals.routeTenant()).contains(Tenant.TARGET);
        assertThat(only(plan, "ext@external.example").from()).contains(address("alice@target.example"));
    }

    @Test
    void nullSenderReportToAMovedPersonIsRedirectedAndKeepsTheNullSender() {
        RelayPlan plan = plan("From: MAILER-DAEMON@mx.example\r\nTo: erin@source.example\r\n", null, "erin@source.example");

        RecipientPlan erin = only(plan, "erin@source.example");
        assertThat(erin.delivered()).isEqualTo(address("erin@target.example"));
        assertThat(erin.envelopeSender()).isEmpty();
        assertThat(erin.routeTenant()).contains(Tenant.TARGET);
    }
}
