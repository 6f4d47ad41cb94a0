package org.t2trewrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArcRecordsCommandTest {
    @TempDir
    Path keys;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void printsTheSealingKeysRecordAndEachTenantsSetArcConfig() {
        assertThat(run("dkim-keygen", "--domain", "relay.example", "--selector", "arc", "--out", keys.toString())).isZero();
        out.getBuffer().setLength(0);

        int exit = run("arc-records", "--sealing-domain", "relay.example", "--selector", "arc", "--keys", keys.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
            .contains("arc._domainkey.relay.example. IN TXT ( \"v=DKIM1; k=rsa; p=")
            .contains("# In the source tenant").contains("# In the target tenant")
            .contains("Set-ArcConfig -Identity Default -ArcTrustedSealers ($sealers -join ',')")
            .contains("'relay.example'");
        assertThat(ExchangeArcConfig.trustSealer("target", org.t2trewrite.core.Domain.of("Relay.Example")))
            .contains("# Set-ArcConfig -Identity Default -ArcTrustedSealers relay.example");
    }

    @Test
    void aMissingKeyIsOneLineSayingHowToMakeIt() {
        int exit = run("arc-records", "--sealing-domain", "relay.example", "--keys", keys.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().trim()).startsWith("t2t-rewrite: no sealing key arc._domainkey.relay.example.pem")
            .contains("dkim-keygen --domain relay.example --selector arc").doesNotContain("\n");
    }
}
