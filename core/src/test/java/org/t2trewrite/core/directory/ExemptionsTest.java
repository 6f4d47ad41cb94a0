package org.t2trewrite.core.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.t2trewrite.core.Fixtures.address;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.t2trewrite.core.Domain;

class ExemptionsTest {
    private static final Exemptions EXEMPTIONS = Exemptions.of(
        List.of(ExemptionPattern.parse("noreply*@source.example"), ExemptionPattern.parse("alerts@*")),
        List.of(ExemptionPattern.parse("approvals@target.example"), ExemptionPattern.parse("@service.example")),
        List.of(Domain.of("apps.example")));

    @Test
    void fullAddressMatchesThatAddressInAnyCase() {
        ExemptionPattern pattern = ExemptionPattern.parse("Approvals@Target.Example");

        assertThat(pattern.matches(address("approvals@target.example"))).isTrue();
        assertThat(pattern.matches(address("approvals2@target.example"))).isFalse();
        assertThat(pattern.matches(address("approvals@source.example"))).isFalse();
    }

    @Test
    void prefixMatchesLocalPartsStartingWithItInThatDomainOnly() {
        ExemptionPattern pattern = ExemptionPattern.parse("noreply*@source.example");

        assertThat(pattern.matches(address("noreply@source.example"))).isTrue();
        assertThat(pattern.matches(address("NoReply-HR@source.example"))).isTrue();
        assertThat(pattern.matches(address("no-reply@source.example"))).isFalse();
        assertThat(pattern.matches(address("noreply@hr.source.example"))).isFalse();
    }

    @Test
    void domainEntryMatchesEveryAddressOfExactlyThatDomain() {
        assertThat(ExemptionPattern.parse("@service.example").matches(address("anyone@service.example"))).isTrue();
        assertThat(ExemptionPattern.parse("*@service.example").matches(address("anyone@service.example"))).isTrue();
        assertThat(ExemptionPattern.parse("@service.example").matches(address("anyone@sub.service.example"))).isFalse();
    }

    @Test
    void anyDomainMatchesThatLocalPartEverywhere() {
        assertThat(ExemptionPattern.parse("alerts@*").matches(address("alerts@elsewhere.example"))).isTrue();
        assertThat(ExemptionPattern.parse("alerts@*").matches(address("alerts2@elsewhere.example"))).isFalse();
    }

    @Test
    void rejectsEntriesOutsideTheSyntax() {
        assertThatThrownBy(() -> ExemptionPattern.parse("noreply")).hasMessageContaining("'noreply' is not an address");
        assertThatThrownBy(() -> ExemptionPattern.parse("*@*")).hasMessageContaining("would exempt every address");
        assertThatThrownBy(() -> ExemptionPattern.parse("@*")).hasMessageContaining("would exempt every address");
        assertThatThrownBy(() -> ExemptionPattern.parse("no*reply@x.example")).hasMessageContaining("only at the end");
        assertThatThrownBy(() -> ExemptionPattern.parse("noreply@*.example")).hasMessageContaining("not a pattern");
        assertThatThrownBy(() -> ExemptionPattern.parse("no reply@x.example")).hasMessageContaining("bad local part");
    }

    @Test
    void exemptsSenderByFromIdentityThenEnvelopeSender() {
        assertThat(EXEMPTIONS.sender(Optional.of(address("noreply-hr@source.example")), Optional.empty()))
            .isEqualTo(Exemption.sender(address("noreply-hr@source.example"), "senders: noreply*@source.example"));
        assertThat(EXEMPTIONS.sender(Optional.of(address("alice@source.example")), Optional.of(address("bounce@apps.example"))))
            .isEqualTo(Exemption.sender(address("bounce@apps.example"), "domains: apps.example"));
        assertThat(EXEMPTIONS.sender(Optional.of(address("alice@source.example")), Optional.empty()).isExempt()).isFalse();
    }

    @Test
    void recipientListDoesNotExemptAsSenderButDomainsDo() {
        assertThat(EXEMPTIONS.sender(Optional.of(address("approvals@target.example")), Optional.empty()).isExempt()).isFalse();
        assertThat(EXEMPTIONS.recipient(address("approvals@target.example")))
            .isEqualTo(Exemption.recipient(address("approvals@target.example"), "recipients: approvals@target.example"));
        assertThat(EXEMPTIONS.recipient(address("x@apps.example")).entry()).contains("domains: apps.example");
        assertThat(EXEMPTIONS.recipient(address("noreply@source.example")).isExempt()).isFalse();
    }

    @Test
    void coversAnAddressOfAnyList() {
        assertThat(EXEMPTIONS.covers(address("noreply@source.example"))).isTrue();
        assertThat(EXEMPTIONS.covers(address("approvals@target.example"))).isTrue();
        assertThat(EXEMPTIONS.covers(address("x@apps.example"))).isTrue();
        assertThat(EXEMPTIONS.covers(address("alice@source.example"))).isFalse();
        assertThat(Exemptions.none().covers(address("noreply@source.example"))).isFalse();
    }

    @Test
    void exemptSenderExemptsEveryRecipientsCopy() {
        Exemptions.Decision decision = EXEMPTIONS.decide(Optional.of(address("noreply@source.example")), Optional.empty(),
            List.of(address("ext@external.example"), address("alice@target.example")));

        assertThat(decision.notExempt()).isEmpty();
        assertThat(decision.of(address("alice@target.example")).reason()).isEqualTo(Exemption.Reason.SENDER);
        assertThat(decision.toString()).isEqualTo("exempt sender noreply@source.example (senders: noreply*@source.example)");
    }

    @Test
    void exemptRecipientExemptsOnlyItsCopy() {
        Exemptions.Decision decision = EXEMPTIONS.decide(Optional.of(address("alice@source.example")), Optional.empty(),
            List.of(address("ext@external.example"), address("approvals@target.example")));

        assertThat(decision.notExempt()).containsExactly(address("ext@external.example"));
        assertThat(decision.exempt()).containsOnlyKeys(address("approvals@target.example"));
        assertThat(decision.toString()).isEqualTo("[approvals@target.example (recipients: approvals@target.example)]");
    }
}
