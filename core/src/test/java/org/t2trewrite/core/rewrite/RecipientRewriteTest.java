package org.t2trewrite.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.core.Fixtures.address;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.core.header.HeaderSection;

class RecipientRewriteTest {

    private static HeaderSection header(String text) {
        return HeaderSection.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void redirectsReplyBeforeCutoverToSourceMailbox() {
        RecipientRewrite rewrite = RecipientRewrite.apply(Fixtures.scenarioDirectory(),
            header("From: Ext <ext@external.example>\r\nTo: Alice Smith <alice@target.example>\r\n"), Optional.empty(),
            List.of(address("alice@target.example")));

        assertThat(rewrite.recipients()).containsExactly(address("alice@source.example"));
        assertThat(new String(rewrite.headers().section().toBytes(), StandardCharsets.UTF_8))
            .isEqualTo("From: Ext <ext@external.example>\r\nTo: Alice Smith <alice@source.example>\r\n");
    }

    @Test
    void redirectsReplyAfterCutoverToTargetMailbox() {
        RecipientRewrite rewrite = RecipientRewrite.apply(Fixtures.scenarioDirectory(),
            header("To: erin@source.example\r\n"), Optional.empty(), List.of(address("erin@source.example")));

        assertThat(rewrite.recipients()).containsExactly(address("erin@target.example"));
        assertThat(rewrite.redirected()).containsEntry(address("erin@source.example"), address("erin@target.example"));
    }

    @Test
    void rewritesOnlyTheRedirectedAddressesInTheHeader() {
        String input = "To: alice@target.example, carol@source.example\r\nCc: dave@target.example\r\nFrom: alice@target.example\r\n";
        RecipientRewrite rewrite = RecipientRewrite.apply(Fixtures.scenarioDirectory(), header(input), Optional.empty(),
            List.of(address("alice@target.example")));

        assertThat(new String(rewrite.headers().section().toBytes(), StandardCharsets.UTF_8))
            .isEqualTo("To: alice@source.example, carol@source.example\r\nCc: dave@target.example\r\nFrom: alice@target.example\r\n");
    }

    @Test
    void keepsRecipientsOfNobodyOrNoGroupOrConflict() {
        String input = "To: ext@external.example, dave@target.example, gina@target.example\r\n";
        RecipientRewrite rewrite = RecipientRewrite.apply(Fixtures.scenarioDirectory(), header(input), Optional.empty(),
            List.of(address("ext@external.example"), address("dave@target.example"), address("gina@target.example")));

        assertThat(rewrite.changed()).isFalse();
        assertThat(rewrite.recipients()).containsExactly(address("ext@external.example"), address("dave@target.example"),
            address("gina@target.example"));
        assertThat(rewrite.headers().section().toBytes()).isEqualTo(input.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void mergesRecipientsThatRedirectToTheSameMailbox() {
        RecipientRewrite rewrite = RecipientRewrite.apply(Fixtures.scenarioDirectory(), header("To: x@external.example\r\n"), Optional.empty(),
            List.of(address("alice@target.example"), address("alice@source.example")));

        assertThat(rewrite.recipients()).containsExactly(address("alice@source.example"));
    }

    @Test
    void isIdempotent() {
        RecipientRewrite first = RecipientRewrite.apply(Fixtures.scenarioDirectory(), header("To: alice@target.example\r\n"), Optional.empty(),
            List.of(address("alice@target.example")));
        RecipientRewrite second = RecipientRewrite.apply(Fixtures.scenarioDirectory(), first.headers().section(), Optional.empty(), first.recipients());

        assertThat(second.changed()).isFalse();
    }
}
