package org.t2trewrite.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.core.Fixtures.address;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.core.header.HeaderSection;

class SenderRewriteTest {

    private static HeaderSection header(String text) {
        return HeaderSection.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(HeaderSection section) {
        return new String(section.toBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void rewritesFromHeaderAndEnvelopeForDayOneMember() {
        SenderRewrite rewrite = SenderRewrite.apply(Fixtures.scenarioDirectory(),
            header("From: \"Alice Smith\" <alice@source.example>\r\nTo: Ext <ext@external.example>\r\nCc: bob@source.example\r\nSubject: x\r\n"),
            Optional.of(address("alice@source.example")));

        assertThat(text(rewrite.headers().section())).isEqualTo(
            "From: \"Alice Smith\" <alice@target.example>\r\nTo: Ext <ext@external.example>\r\nCc: bob@target.example\r\nSubject: x\r\n");
        assertThat(rewrite.sender().map(Address::toString)).contains("alice@target.example");
        assertThat(rewrite.signingDomain()).contains(Domain.of("target.example"));
    }

    @Test
    void rewritesEveryOriginatorFieldButNotOtherFields() {
        String input = "Sender: a.smith@source.example\r\nReply-To: <alice@source.example>\r\n"
            + "Resent-From: alice@source.example\r\nResent-Sender: alice@source.example\r\n"
            + "Disposition-Notification-To: alice@source.example\r\nReturn-Receipt-To: alice@source.example\r\n"
            + "From: alice@source.example\r\nX-Original-From: alice@source.example\r\nIn-Reply-To: <alice@source.example>\r\n";

        SenderRewrite rewrite = SenderRewrite.apply(Fixtures.scenarioDirectory(), header(input), Optional.empty());

        assertThat(text(rewrite.headers().section())).isEqualTo("Sender: alice@target.example\r\nReply-To: <alice@target.example>\r\n"
            + "Resent-From: alice@target.example\r\nResent-Sender: alice@target.example\r\n"
            + "Disposition-Notification-To: alice@target.example\r\nReturn-Receipt-To: alice@target.example\r\n"
            + "From: alice@target.example\r\nX-Original-From: alice@source.example\r\nIn-Reply-To: <alice@source.example>\r\n");
        assertThat(text(rewrite.headers().section())).contains("X-Original-From: alice@source.example", "In-Reply-To: <alice@source.example>");
    }

    @Test
    void keepsNullSenderNull() {
        SenderRewrite rewrite = SenderRewrite.apply(Fixtures.scenarioDirectory(),
            header("From: alice@source.example\r\n"), Optional.empty());

        assertThat(rewrite.sender()).isEmpty();
        assertThat(rewrite.senderChanged()).isFalse();
        assertThat(rewrite.headers().changed()).isTrue();
    }

    @Test
    void rewritesDayTwoMemberToSourceAddress() {
        SenderRewrite rewrite = SenderRewrite.apply(Fixtures.scenarioDirectory(),
            header("From: Carol <carol@target.example>\r\nTo: ext@external.example, dave@source.example\r\n"),
            Optional.of(address("carol@target.example")));

        assertThat(text(rewrite.headers().section())).isEqualTo("From: Carol <carol@source.example>\r\nTo: ext@external.example, dave@source.example\r\n");
        assertThat(rewrite.signingDomain()).contains(Domain.of("source.example"));
    }

    @Test
    void isIdempotent() {
        SenderRewrite first = SenderRewrite.apply(Fixtures.scenarioDirectory(),
            header("From: alice@source.example\r\nCc: bob@source.example\r\n"), Optional.of(address("alice@source.example")));
        SenderRewrite second = SenderRewrite.apply(Fixtures.scenarioDirectory(), first.headers().section(), first.sender());

        assertThat(second.changed()).isFalse();
        assertThat(second.signingDomain()).isEmpty();
        assertThat(second.headers().section().toBytes()).isEqualTo(first.headers().section().toBytes());
    }

    @Test
    void changesNothingForNonMember() {
        String input = "From: Frank <frank@source.example>\r\nTo: ext@external.example\r\n";
        SenderRewrite rewrite = SenderRewrite.apply(Fixtures.scenarioDirectory(), header(input), Optional.of(address("frank@source.example")));

        assertThat(rewrite.changed()).isFalse();
        assertThat(text(rewrite.headers().section())).isEqualTo(input);
    }

    @Test
    void identifiesSenderByFromElseEnvelope() {
        assertThat(SenderIdentity.of(header("From: \"A\" <alice@source.example>\r\n"), Optional.of(address("x@external.example"))))
            .contains(address("alice@source.example"));
        assertThat(SenderIdentity.of(header("Subject: no from\r\n"), Optional.of(address("x@external.example"))))
            .contains(address("x@external.example"));
        assertThat(SenderIdentity.of(header("From: <<broken\r\n"), Optional.empty())).isEmpty();
    }
}
