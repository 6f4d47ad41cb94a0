package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.t2trewrite.testing.LoopbackDns;

/** The resolver against a real DNS server on loopback (dnsmasq), and what it answers once that server is gone. */
class CachedDnsTest {
    private static LoopbackDns dns;

    @BeforeAll
    static void start() throws Exception {
        if (!LoopbackDns.available() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but dnsmasq is not installed");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(LoopbackDns.available(), "dnsmasq is not installed");
        dns = LoopbackDns.builder()
            .txt("s1._domainkey.ext.example", "v=DKIM1; k=rsa; p=" + "A".repeat(400))
            .txt("ext.example", "v=spf1 ip4:127.0.0.1 -all")
            .txt("_dmarc.ext.example", "v=DMARC1; p=quarantine")
            .start();
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    private static CachedDns resolver(String server, Duration budget, Clock clock) {
        return CachedDns.create(server, Duration.ofSeconds(2), budget, clock);
    }

    @Test
    void joinsTheStringsOfALongRecordAndAnswersNoneForAnUnknownName() {
        CachedDns.Budget lookups = resolver(dns.hostAndPort(), Duration.ofSeconds(5), Clock.systemUTC()).budget();

        assertThat(lookups.txt("s1._domainkey.ext.example").records()).containsExactly("v=DKIM1; k=rsa; p=" + "A".repeat(400));
        assertThat(lookups.txt("nothing.ext.example").kind()).isEqualTo(TxtAnswer.Kind.NONE);
    }

    @Test
    void spfThroughJspfOnOurResolver() {
        CachedDns.Budget lookups = resolver(dns.hostAndPort(), Duration.ofSeconds(5), Clock.systemUTC()).budget();

        assertThat(lookups.spf().checkSPF("127.0.0.1", "bob@ext.example", "client.ext.example").getResult()).isEqualTo("pass");
        assertThat(lookups.spf().checkSPF("192.0.2.7", "bob@ext.example", "client.ext.example").getResult()).isEqualTo("fail");
    }

    @Test
    void aSpentBudgetIsATemporaryFailureWithoutAQuery() {
        MutableClock clock = new MutableClock(Instant.now());
        CachedDns.Budget lookups = resolver(dns.hostAndPort(), Duration.ofSeconds(5), clock).budget();

        assertThat(lookups.txt("_dmarc.ext.example").kind()).isEqualTo(TxtAnswer.Kind.FOUND);
        clock.advanceSeconds(6);
        TxtAnswer late = lookups.txt("_dmarc.ext.example");

        assertThat(late.kind()).isEqualTo(TxtAnswer.Kind.TEMPORARY_FAILURE);
        assertThat(late.failure()).contains("budget");
    }

    @Test
    void anUnreachableServerIsATemporaryFailureNotNone() throws Exception {
        LoopbackDns gone = LoopbackDns.builder().txt("x.example", "y").start();
        String address = gone.hostAndPort();
        gone.close();

        TxtAnswer answer = resolver(address, Duration.ofSeconds(5), Clock.systemUTC()).budget().txt("ext.example");

        assertThat(answer.kind()).isEqualTo(TxtAnswer.Kind.TEMPORARY_FAILURE);
        assertThat(resolver(address, Duration.ofSeconds(5), Clock.systemUTC()).budget().spf()
            .checkSPF("127.0.0.1", "bob@ext.example", "client.ext.example").getResult()).isEqualTo("temperror");
    }
}
