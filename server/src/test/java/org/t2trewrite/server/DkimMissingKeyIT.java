package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rewritten mail whose domain has no DKIM key is kept, not sent unsigned (issue 4, the
 * mailet's default {@code onMissingKey=to-processor}): James here runs with a key folder that has
 * a key for {@code source.example} only.
 */
class DkimMissingKeyIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder().withoutDkimKeysFor("target.example").build();

    @Test
    void keepsDayOneMailInTheErrorRepositoryWhenTargetDomainHasNoKey() throws Exception {
        byte[] sent = message("nokey", "Alice <alice@source.example>", "ext@external.example", null, "no key");

        RELAY.send("alice@source.example", List.of("ext@external.example"), sent);

        List<WebAdmin.Kept> kept = RELAY.webAdmin().awaitKept("error", "<nokey@client.example>", 1, WAIT);
        assertThat(kept).as("kept mail; log tail:%n%s", RELAY.logTail()).hasSize(1);
        byte[] keptMessage = kept.get(0).message;
        assertThat(DkimFields.of(keptMessage)).isEmpty();
        assertThat(Messages.text(keptMessage)).contains("From: Alice <alice@target.example>");
        assertThat(kept.get(0).recipients).containsExactly("ext@external.example");
        assertThat(RELAY.log()).contains("no DKIM key for target.example");
        assertThat(RELAY.sink().deliveries()).noneMatch(d -> d.dataAsString().contains("<nokey@client.example>"));
    }

    @Test
    void stillSignsForTheDomainThatHasAKey() throws Exception {
        RELAY.send("carol@target.example", List.of("ext@external.example"),
            message("haskey", "Carol <carol@target.example>", "ext@external.example", null, "key"));

        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<haskey@client.example>"), 1, WAIT);
        assertThat(delivered).as("log tail:%n%s", RELAY.logTail()).hasSize(1);
        assertThat(DkimFields.labels(delivered.get(0).data())).containsExactly("d=source.example s=t2t a=rsa-sha256");
        assertThat(RELAY.dkimVerifiers().jdkim(delivered.get(0).data())).hasSize(1);
    }
}
