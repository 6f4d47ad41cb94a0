package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.message;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Routes per destination through {@code ./relay --route-source/--route-target/--route-other}: each
 * recipient's copy reaches the endpoint of the tenant where that mailbox lives now, after the
 * rewriting decided where that is; everyone else goes to the smart host.
 */
class RoutesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .launch(JamesRelay.Launch.RELAY_SCRIPT)
        .delivery(JamesRelay.Delivery.ROUTES)
        .build();

    @Test
    void sendsEachRecipientsCopyToTheTenantThatHoldsTheMailbox() throws Exception {
        // An outsider replies to Alice at her target address (her mailbox is still in the source
        // tenant) and Carol at her source address (hers has moved to the target tenant).
        byte[] reply = message("routes-reply", "Ext <ext@external.example>", "alice@target.example",
            "carol@source.example, other@elsewhere.example", "Re: numbers");

        RELAY.send("ext@external.example", List.of("alice@target.example", "carol@source.example", "other@elsewhere.example"), reply);

        Predicate<SmtpSink.Delivery> isReply = d -> d.dataAsString().contains("<routes-reply@client.example>");
        List<SmtpSink.Delivery> atSource = RELAY.sourceSink().await(isReply, 1, WAIT);
        List<SmtpSink.Delivery> atTarget = RELAY.targetSink().await(isReply, 1, WAIT);
        List<SmtpSink.Delivery> atSmartHost = RELAY.sink().await(isReply, 1, WAIT);
        assertThat(atSource).as("log tail:%n%s", RELAY.logTail()).hasSize(1);
        assertThat(atSource.get(0).rcpts()).containsExactly("alice@source.example");
        assertThat(atTarget).hasSize(1);
        assertThat(atTarget.get(0).rcpts()).containsExactly("carol@target.example");
        assertThat(atSmartHost).hasSize(1);
        assertThat(atSmartHost.get(0).rcpts()).containsExactly("other@elsewhere.example");
        assertThat(atSmartHost.get(0).dataAsString()).contains("To: alice@target.example");
    }

    @Test
    void sendsMailToOutsidersThroughTheSmartHost() throws Exception {
        byte[] sent = message("routes-out", "Alice <alice@source.example>", "ext@external.example", null, "out");

        RELAY.send("alice@source.example", List.of("ext@external.example"), sent);

        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<routes-out@client.example>"), 1, WAIT);
        assertThat(delivered).as("log tail:%n%s", RELAY.logTail()).hasSize(1);
        assertThat(delivered.get(0).mailFrom()).isEqualTo("alice@target.example");
        assertThat(RELAY.sourceSink().deliveries()).noneMatch(d -> d.dataAsString().contains("<routes-out@client.example>"));
        assertThat(RELAY.targetSink().deliveries()).noneMatch(d -> d.dataAsString().contains("<routes-out@client.example>"));
        assertThat(RELAY.log()).contains("others to 127.0.0.1:" + RELAY.sink().port());
    }
}
