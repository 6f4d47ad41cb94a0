package org.t2trewrite.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class LoopbackDnsTest {

    @BeforeAll
    static void needsDnsmasq() {
        if ("true".equals(System.getenv("CI"))) {
            assertThat(LoopbackDns.available()).as("dnsmasq (.ci/run installs dnsmasq-base)").isTrue();
        }
        assumeTrue(LoopbackDns.available(), "dnsmasq is not installed");
    }

    @Test
    void answersTheRecordsItWasGivenAndSplitsLongTexts() throws Exception {
        String longKey = "v=DKIM1; k=rsa; p=" + "A".repeat(400);
        try (LoopbackDns dns = LoopbackDns.builder()
                .txt("t2t._domainkey.source.example", longKey)
                .txtStrings("split.source.example", "v=spf1 ", "-all")
                .mx("source.example", "mx1.source.example", 10)
                .a("mx1.source.example", "127.0.0.2")
                .start()) {
            SimpleResolver resolver = resolver(dns);

            List<String> strings = txt(resolver, "t2t._domainkey.source.example");
            assertThat(strings).hasSize(2);
            assertThat(String.join("", strings)).isEqualTo(longKey);
            assertThat(txt(resolver, "split.source.example")).containsExactly("v=spf1 ", "-all");

            Lookup mx = new Lookup("source.example", Type.MX);
            mx.setResolver(resolver);
            mx.setCache(null);
            Record[] answers = mx.run();
            assertThat(answers).hasSize(1);
            assertThat(((MXRecord) answers[0]).getTarget().toString()).isEqualTo("mx1.source.example.");

            Lookup missing = new Lookup("nothing.source.example", Type.TXT);
            missing.setResolver(resolver);
            missing.setCache(null);
            missing.run();
            assertThat(missing.getResult()).isEqualTo(Lookup.HOST_NOT_FOUND);
        }
    }

    @Test
    void aStoppedServerDoesNotAnswer() throws Exception {
        LoopbackDns dns = LoopbackDns.builder().txt("source.example", "v=spf1 -all").start();
        SimpleResolver resolver = resolver(dns);
        dns.close();
        assertThat(dns.isRunning()).isFalse();

        Lookup lookup = new Lookup("source.example", Type.TXT);
        lookup.setResolver(resolver);
        lookup.setCache(null);
        lookup.run();
        assertThat(lookup.getResult()).isEqualTo(Lookup.TRY_AGAIN);
    }

    private static SimpleResolver resolver(LoopbackDns dns) {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(dns.address(), dns.port()));
        resolver.setTimeout(Duration.ofSeconds(1));
        return resolver;
    }

    private static List<String> txt(SimpleResolver resolver, String name) throws Exception {
        Lookup lookup = new Lookup(name, Type.TXT);
        lookup.setResolver(resolver);
        lookup.setCache(null);
        Record[] answers = lookup.run();
        assertThat(answers).as(name + ": " + lookup.getErrorString()).isNotNull().hasSize(1);
        return new ArrayList<>(((TXTRecord) answers[0]).getStrings());
    }
}
