package org.t2trewrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.core.Domain;
import org.t2trewrite.dkim.KeyName;
import org.t2trewrite.dkim.PemKeys;
import org.t2trewrite.dkim.Selector;
import org.t2trewrite.testing.LoopbackDns;

class SetupAllCommandTest {
    @TempDir
    Path folder;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeAll
    static void dnsmasq() {
        SetupFixtures.needDnsmasq();
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), Stream.concat(Stream.of("setup", "all"), Stream.of(args))
            .toArray(String[]::new));
    }

    private String record(Path keys, String domain) throws Exception {
        KeyName name = KeyName.of(Domain.of(domain), Selector.of("t2t"));
        return PemKeys.read(name, "test", new StringReader(Files.readString(keys.resolve(name.fileName())))).publicKeyRecord();
    }

    @Test
    void runsEveryStepAndSummarisesWhenAllIsInPlace() throws Exception {
        Path directory = SetupFixtures.directory(folder);
        Path work = folder.resolve("work");
        TestPki.Identity relay = TestPki.newCa("All Root").issue("relay.example.net", Instant.now().minus(Duration.ofDays(1)),
            Instant.now().plus(Duration.ofDays(90)), 2048, "relay.example.net");
        Path cert = relay.writeCertificate(folder.resolve("relay.pem"));
        Path key = relay.writeKey(folder.resolve("relay.key"));
        // The keys first (as an operator's first run of setup dkim would), then DNS publishes their records.
        assertThat(T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), "setup", "dkim", "--keys",
            work.resolve("dkim").toString(), "--directory", directory.toString())).as(err.toString()).isZero();
        LoopbackDns.Builder records = LoopbackDns.builder();
        for (String domain : new String[] {"source.example", "source-two.example", "target.example"}) {
            records.txt("t2t._domainkey." + domain, record(work.resolve("dkim"), domain))
                .txt(domain, "v=spf1 ip4:192.0.2.25 -all")
                .txt("_dmarc." + domain, "v=DMARC1; p=reject")
                .mx(domain, domain.replace('.', '-') + ".mail.protection.outlook.com", 0);
        }
        try (LoopbackDns dns = records.start()) {
            int code = run("--directory", directory.toString(), "--work-dir", work.toString(), "--cert", cert.toString(),
                "--key", key.toString(), "--host", "relay.example.net", "--relay-ip", "192.0.2.25", "--dns-server", dns.hostAndPort());

            assertThat(code).as(err + "\n" + out).isZero();
            assertThat(err.toString()).isEmpty();
            String output = out.toString();
            assertThat(output.indexOf("== setup tls ==")).isLessThan(output.indexOf("== setup dkim =="));
            assertThat(output.indexOf("== setup dkim ==")).isLessThan(output.indexOf("== setup dns =="));
            assertThat(output).contains("# == setup exchange source ==").contains("# == setup exchange target ==")
                .contains("-FromMemberOf 'BT-IntegrationPro-DayTwo'");
            String summary = output.substring(output.indexOf("Summary"));
            assertThat(summary.lines()).containsExactly(
                "Summary",
                "step              status    what to do",
                "tls               ok        restart ./relay --work-dir " + work + ": it offers STARTTLS with "
                    + work.resolve("setup/tls/cert.pem") + " (in the container image: T2T_TLS_CERT and T2T_TLS_KEY naming these files)",
                "dkim              ok        setup dns --relay-ip IP (SPF and DMARC of the same domains)",
                "dns               ok        setup graph (the eligibility groups), then setup exchange --tenant source and --tenant target",
                "graph             skipped   the file directory needs no Graph; with the Graph directory give --config",
                "exchange source   ok        read each block, then run it in Exchange Online PowerShell for the source tenant",
                "exchange target   ok        read each block, then run it in Exchange Online PowerShell for the target tenant");
            assertThat(work.resolve("setup/tls/cert.pem")).exists();
        }
    }

    @Test
    void goesOnAfterAFailedStepAndSaysWhatToDo() throws Exception {
        Path directory = SetupFixtures.directory(folder);
        try (LoopbackDns dns = LoopbackDns.builder().start()) {
            int code = run("--directory", directory.toString(), "--keys", folder.resolve("dkim").toString(),
                "--dns-server", dns.hostAndPort());

            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).contains("t2t-rewrite setup dkim: target.example: t2t._domainkey.target.example is missing");
            String summary = out.toString().substring(out.toString().indexOf("Summary"));
            assertThat(summary)
                .contains("tls               skipped   give --cert (and --key) and --host")
                .contains("dkim              FAILED    publish the 3 record(s) named on stderr")
                .contains("dns               skipped   give --relay-ip")
                .contains("exchange source   skipped   give --relay-host (or --host)");
        }
    }
}
