package org.t2trewrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.testing.LoopbackDns;

class SetupDnsCommandTest {
    private static final String EXCHANGE_SPF = "v=spf1 ip4:40.92.0.0/15 ip6:2a01:111:f400::/48 -all";

    @TempDir
    Path folder;

    private Path directory;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeAll
    static void dnsmasq() {
        SetupFixtures.needDnsmasq();
    }

    @BeforeEach
    void files() {
        directory = SetupFixtures.directory(folder);
    }

    private int run(LoopbackDns dns, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        String[] base = {"setup", "dns", "--directory", directory.toString(), "--dns-server", dns.hostAndPort()};
        return T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err),
            Stream.concat(Stream.of(base), Stream.of(args)).toArray(String[]::new));
    }

    private static LoopbackDns.Builder mx(LoopbackDns.Builder builder) {
        return builder
            .mx("source.example", "source-example.mail.protection.outlook.com", 0)
            .mx("source-two.example", "source-two-example.mail.protection.outlook.com", 0)
            .mx("target.example", "target-example.mail.protection.outlook.com", 0)
            .txt("spf.protection.outlook.com", EXCHANGE_SPF);
    }

    @Test
    void passesWhenSpfAuthorisesTheRelayAndDmarcAligns() throws Exception {
        try (LoopbackDns dns = mx(LoopbackDns.builder())
                .txt("source.example", "v=spf1 include:spf.protection.outlook.com a:relay.example.net -all")
                .a("relay.example.net", "192.0.2.25")
                .a("relay.example.net", "2001:db8::25")
                .txt("source-two.example", "v=spf1 include:spf.protection.outlook.com ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all")
                .txt("target.example", "v=spf1 redirect=source.example")
                .txt("_dmarc.source.example", "v=DMARC1; p=reject; adkim=s; aspf=s")
                .txt("_dmarc.source-two.example", "v=DMARC1; p=quarantine")
                .txt("_dmarc.target.example", "v=DMARC1; p=none; rua=mailto:dmarc@target.example")
                .start()) {
            int code = run(dns, "--relay-ip", "192.0.2.25", "--relay-ip", "2001:db8::25");

            assertThat(code).as(err.toString()).isZero();
            assertThat(err.toString()).isEmpty();
            assertThat(out.toString())
                .contains("ok: SPF of source.example needs 2 of 10 DNS lookups")
                .contains("ok: SPF of source.example authorises 192.0.2.25 (source.example: a:relay.example.net (relay.example.net 192.0.2.25))")
                .contains("ok: SPF of source.example authorises 2001:db8:0:0:0:0:0:25")
                .contains("ok: SPF of source-two.example authorises 192.0.2.25 (source-two.example: ip4:192.0.2.0/24)")
                .contains("ok: SPF of target.example authorises 192.0.2.25 (redirect=source.example > source.example: a:relay.example.net")
                .contains("ok: SPF of target.example needs 3 of 10 DNS lookups")
                .contains("ok: DMARC of source.example (p=reject, adkim=s, aspf=s) passes for rewritten mail: DKIM d=source.example aligned")
                .contains("ok: DMARC of target.example (p=none, adkim=r, aspf=r) passes")
                .contains("ok: MX of source.example (source tenant): source-example.mail.protection.outlook.com (preference 0);"
                    + " Exchange Online: ./relay --route-source source-example.mail.protection.outlook.com")
                .contains("ok: MX of target.example (target tenant): target-example.mail.protection.outlook.com")
                .contains("next: setup graph");
        }
    }

    @Test
    void namesTheIp4ToAddWhenSpfDoesNotAuthoriseTheRelay() throws Exception {
        try (LoopbackDns dns = mx(LoopbackDns.builder())
                .txt("source.example", "v=spf1 include:spf.protection.outlook.com -all")
                .txt("source-two.example", "v=spf1 include:spf.protection.outlook.com ip4:192.0.2.25 -all")
                .txt("target.example", "v=spf1 include:spf.protection.outlook.com ip4:192.0.2.25 -all")
                .txt("_dmarc.source.example", "v=DMARC1; p=reject")
                .start()) {
            int code = run(dns, "--relay-ip", "192.0.2.25");

            assertThat(code).isEqualTo(1);
            assertThat(err.toString().lines()).containsExactly("t2t-rewrite setup dns: SPF of source.example does not authorise the"
                + " relay's 192.0.2.25: fail (source.example: -all)");
            assertThat(out.toString())
                .contains("SPF of source.example: publish TXT \"v=spf1 include:spf.protection.outlook.com ip4:192.0.2.25 -all\"")
                .contains("warning: DMARC of source.example (p=reject, adkim=r, aspf=r) rests on DKIM alone")
                .contains("warning: DMARC of target.example: no record at _dmarc.target.example")
                .contains("next: change the DNS records named on stderr");
        }
    }

    @Test
    void suggestsTheIncludeWhenGiven() throws Exception {
        try (LoopbackDns dns = mx(LoopbackDns.builder())
                .txt("source.example", "v=spf1 include:spf.protection.outlook.com ~all")
                .txt("source-two.example", "v=spf1 include:spf.protection.outlook.com ip4:192.0.2.25 -all")
                .txt("target.example", "v=spf1 include:spf.protection.outlook.com ip4:192.0.2.25 -all")
                .start()) {
            run(dns, "--relay-ip", "192.0.2.25", "--spf-include", "spf.relay.example.net");

            assertThat(err.toString()).contains("SPF of source.example does not authorise the relay's 192.0.2.25: softfail");
            assertThat(out.toString()).contains("SPF of source.example: publish TXT"
                + " \"v=spf1 include:spf.protection.outlook.com include:spf.relay.example.net ~all\"");
        }
    }

    @Test
    void refusesARecordOverTheLookupLimit() throws Exception {
        LoopbackDns.Builder builder = mx(LoopbackDns.builder());
        StringBuilder record = new StringBuilder("v=spf1");
        for (int i = 1; i <= 11; i++) {
            record.append(" include:i").append(i).append(".example");
            builder.txt("i" + i + ".example", "v=spf1 ip4:198.51.100." + i + " -all");
        }
        record.append(" ip4:192.0.2.25 -all");
        try (LoopbackDns dns = builder
                .txt("source.example", record.toString())
                .txt("source-two.example", "v=spf1 ip4:192.0.2.25 -all")
                .txt("target.example", "v=spf1 ip4:192.0.2.25 -all")
                .start()) {
            int code = run(dns, "--relay-ip", "192.0.2.25");

            assertThat(code).isEqualTo(1);
            assertThat(err.toString())
                .contains("SPF of source.example needs 11 DNS lookups; RFC 7208 §4.6.4 allows 10, receivers answer permerror")
                .contains("SPF of source.example does not authorise the relay's 192.0.2.25: permerror (more than 10 DNS lookups"
                    + " (RFC 7208 §4.6.4), reached at source.example's include:i11.example)");
        }
    }

    @Test
    void reportsAMissingSpfRecordAndAMissingMx() throws Exception {
        try (LoopbackDns dns = LoopbackDns.builder()
                .mx("source.example", "source-example.mail.protection.outlook.com", 0)
                .mx("target.example", "target-example.mail.protection.outlook.com", 0)
                .txt("source.example", "v=spf1 ip4:192.0.2.25 -all")
                .txt("target.example", "v=spf1 ip4:192.0.2.25 -all")
                .start()) {
            int code = run(dns, "--relay-ip", "192.0.2.25");

            assertThat(code).isEqualTo(1);
            assertThat(err.toString().lines()).containsExactly(
                "t2t-rewrite setup dns: SPF of source-two.example: none published; publish TXT \"v=spf1 ip4:192.0.2.25 -all\""
                    + " (with the tenant's own include:spf.protection.outlook.com)",
                "t2t-rewrite setup dns: MX of source-two.example (source tenant): none (no such name): mail to it cannot be delivered");
        }
    }

    @Test
    void refusesARelayIpThatIsAName() throws Exception {
        try (LoopbackDns dns = LoopbackDns.builder().start()) {
            int code = run(dns, "--relay-ip", "relay.example.net");

            assertThat(code).isEqualTo(1);
            assertThat(err.toString().trim()).isEqualTo("t2t-rewrite: --relay-ip: not an IPv4 or IPv6 address: 'relay.example.net'");
        }
    }
}
