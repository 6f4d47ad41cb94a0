package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.server.Messages.message;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.t2trewrite.cli.T2tRewriteCli;
import org.t2trewrite.dkim.Verifiers;

/**
 * A kept mail, reprocessed through WebAdmin as the README tells operators to, comes out as if it
 * had passed the first time: rewritten once, signed, delivered once, and the repository is empty.
 * The cause here: the target domain had no DKIM key; the operator adds one and reprocesses.
 */
class ReprocessIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    // DkimSignRewritten looks at the key folder at most every 10 seconds.
    private static final Duration KEY_FOLDER_CHECK = Duration.ofSeconds(11);

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder().withoutDkimKeysFor("target.example").build();

    @Test
    void reprocessedKeptMailIsRewrittenSignedAndDeliveredOnce() throws Exception {
        byte[] sent = message("reprocess", "Alice <alice@source.example>", "ext@external.example", null, "kept, then sent");
        RELAY.send("alice@source.example", List.of("ext@external.example"), sent);
        assertThat(RELAY.webAdmin().awaitKept("error", "<reprocess@client.example>", 1, WAIT))
            .as("kept; log tail:%n%s", RELAY.logTail()).hasSize(1);

        StringWriter err = new StringWriter();
        int exit = T2tRewriteCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "dkim-keygen",
            "--for-directory", RELAY.directoryFile().toString(), "--selector", "t2t", "--out", RELAY.dkimKeys().toString());
        assertThat(exit).as(err.toString()).isZero();
        Thread.sleep(KEY_FOLDER_CHECK.toMillis());
        RELAY.webAdmin().reprocessAll("error");

        List<SmtpSink.Delivery> delivered = RELAY.sink().await(d -> d.dataAsString().contains("<reprocess@client.example>"), 1, WAIT);
        assertThat(delivered).as("log tail:%n%s", RELAY.logTail()).hasSize(1);
        byte[] message = delivered.get(0).data();
        assertThat(delivered.get(0).mailFrom()).isEqualTo("alice@target.example");
        assertThat(Messages.text(message)).contains("From: Alice <alice@target.example>").doesNotContain("alice@source.example");
        Verifiers verifiers = RELAY.dkimVerifiers();
        assertThat(verifiers.jdkim(message)).hasSize(1);
        assertThat(DkimFields.of(message)).hasSize(1);
        assertThat(verifiers.python(message, RELAY.workDir()).allPass()).isTrue();
        assertThat(RELAY.webAdmin().kept("error")).isEmpty();
        Thread.sleep(2000);
        assertThat(RELAY.sink().deliveries()).filteredOn(d -> d.dataAsString().contains("<reprocess@client.example>")).hasSize(1);
    }
}
