package org.t2trewrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.t2trewrite.testing.LoopbackDns;

/** The SPF evaluator against one DNS server holding a record per case (RFC 7208's mechanisms and errors). */
class SpfEvaluatorTest {
    private static LoopbackDns dns;
    private static SpfEvaluator spf;

    @BeforeAll
    static void start() throws Exception {
        SetupFixtures.needDnsmasq();
        dns = LoopbackDns.builder()
            .txt("mx.example", "v=spf1 mx -all")
            .mx("mx.example", "mail.mx.example", 10)
            .a("mail.mx.example", "192.0.2.25")
            .txt("mx-other.example", "v=spf1 mx:mx.example/24 -all")
            .txt("exists.example", "v=spf1 exists:allowed.example -all")
            .a("allowed.example", "127.0.0.2")
            .txt("macro.example", "v=spf1 exists:%{i}.list.example -all")
            .txt("ptr.example", "v=spf1 ptr ~all")
            .txt("twice.example", "v=spf1 -all")
            .txt("twice.example", "v=spf1 +all")
            .txt("badip.example", "v=spf1 ip4:192.0.2.300 -all")
            .txt("none-include.example", "v=spf1 include:nothing.example -all")
            .txt("unknown.example", "v=spf1 foo:bar -all")
            .txt("neutral.example", "v=spf1 ip4:198.51.100.0/24")
            .txt("other-txt.example", "google-site-verification=abc")
            .txt("question.example", "v=spf1 ?ip4:192.0.2.0/24 -all")
            .start();
        spf = new SpfEvaluator(DnsClient.of(dns.hostAndPort()));
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    @ParameterizedTest(name = "{0} for {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "mx.example           | 192.0.2.25 | PASS          | mx.example: mx (mail.mx.example 192.0.2.25)",
        "mx.example           | 192.0.2.26 | FAIL          | mx.example: -all",
        "mx-other.example     | 192.0.2.99 | PASS          | mx-other.example: mx:mx.example/24 (mail.mx.example 192.0.2.25)",
        "exists.example       | 192.0.2.25 | PASS          | exists.example: exists:allowed.example",
        "macro.example        | 192.0.2.25 | NOT_EVALUATED | uses macros",
        "ptr.example          | 192.0.2.25 | SOFTFAIL      | ptr.example: ~all",
        "twice.example        | 192.0.2.25 | PERMERROR     | twice.example has 2 SPF records",
        "badip.example        | 192.0.2.25 | PERMERROR     | 'ip4:192.0.2.300' is not a valid ip4",
        "none-include.example | 192.0.2.25 | PERMERROR     | none-include.example's include:nothing.example: no SPF record",
        "unknown.example      | 192.0.2.25 | PERMERROR     | unknown mechanism 'foo:bar'",
        "neutral.example      | 192.0.2.25 | NEUTRAL       | no term of neutral.example's record matches",
        "other-txt.example    | 192.0.2.25 | NONE          | no SPF record (TXT v=spf1) at other-txt.example",
        "question.example     | 192.0.2.25 | NEUTRAL       | question.example: ?ip4:192.0.2.0/24",
        "missing.example      | 192.0.2.25 | NONE          | no SPF record"})
    void evaluates(String domain, String address, SpfEvaluator.Result result, String reason) throws Exception {
        SpfEvaluator.Evaluation evaluation = spf.evaluate(domain, InetAddress.getByName(address));

        assertThat(evaluation.result).as(evaluation.reason).isEqualTo(result);
        assertThat(evaluation.reason).contains(reason);
    }
}
