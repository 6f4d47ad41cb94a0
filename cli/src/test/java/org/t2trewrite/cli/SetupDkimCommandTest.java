package org.t2trewrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.core.Domain;
import org.t2trewrite.dkim.DkimAlgorithm;
import org.t2trewrite.dkim.DkimKey;
import org.t2trewrite.dkim.KeyName;
import org.t2trewrite.dkim.PemKeys;
import org.t2trewrite.dkim.Selector;
import org.t2trewrite.testing.LoopbackDns;

class SetupDkimCommandTest {
    @TempDir
    Path folder;

    private Path directory;
    private Path keys;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeAll
    static void dnsmasq() {
        SetupFixtures.needDnsmasq();
    }

    @BeforeEach
    void files() {
        directory = SetupFixtures.directory(folder);
        keys = folder.resolve("dkim");
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        String[] base = {"setup", "dkim", "--keys", keys.toString(), "--directory", directory.toString()};
        return T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err),
            Stream.concat(Stream.of(base), Stream.of(args)).toArray(String[]::new));
    }

    private DkimKey key(String selector, String domain) throws Exception {
        KeyName name = KeyName.of(Domain.of(domain), Selector.of(selector));
        return PemKeys.read(name, "test", new StringReader(Files.readString(keys.resolve(name.fileName()))));
    }

    @Test
    void createsAnRsaKeyPerTenantDomainAndPrintsEachRecord() throws Exception {
        int code = run();

        assertThat(code).as(err.toString()).isZero();
        for (String domain : new String[] {"source.example", "source-two.example", "target.example"}) {
            DkimKey key = key("t2t", domain);
            assertThat(key.algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
            assertThat(key.bits()).isEqualTo(2048);
            assertThat(out.toString()).contains("t2t._domainkey." + domain + ". IN TXT (")
                .contains(TxtRecord.split(key.publicKeyRecord()).get(0));
        }
        assertThat(out.toString()).contains("new private key in").contains("next: publish the TXT records above");
    }

    @Test
    void keepsExistingKeysAndAddsEd25519OnRequest() throws Exception {
        run();
        String before = key("t2t", "target.example").publicKeyBase64();

        int code = run("--ed25519");

        assertThat(code).as(err.toString()).isZero();
        assertThat(key("t2t", "target.example").publicKeyBase64()).isEqualTo(before);
        assertThat(key("t2ted", "target.example").algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        assertThat(out.toString()).contains("t2t._domainkey.target.example (rsa-sha256, 2048 bits), kept")
            .contains("t2ted._domainkey.target.example (ed25519-sha256, 256 bits), new")
            .contains("t2ted._domainkey.target.example. IN TXT ( \"v=DKIM1; k=ed25519; p=");
    }

    @Test
    void verifyPassesWhenEveryRecordIsPublishedWhetherInOneStringOrSeveral() throws Exception {
        run();
        String source = key("t2t", "source.example").publicKeyRecord();
        String sourceTwo = key("t2t", "source-two.example").publicKeyRecord();
        String target = key("t2t", "target.example").publicKeyRecord();
        try (LoopbackDns dns = LoopbackDns.builder()
                .txt("t2t._domainkey.source.example", source)
                // cut where a DNS operator might, even inside the base64
                .txtStrings("t2t._domainkey.source-two.example", sourceTwo.substring(0, 20), sourceTwo.substring(20, 200),
                    sourceTwo.substring(200))
                .txt("t2t._domainkey.target.example", target)
                .start()) {
            int code = run("--verify", "--dns-server", dns.hostAndPort());

            assertThat(code).as(err.toString()).isZero();
            assertThat(err.toString()).isEmpty();
            assertThat(out.toString()).contains("ok: source.example: t2t._domainkey.source.example publishes the key")
                .contains("ok: source-two.example: t2t._domainkey.source-two.example publishes the key")
                .contains("ok: target.example: t2t._domainkey.target.example publishes the key")
                .contains("next: setup dns --relay-ip");
        }
    }

    @Test
    void verifyNamesEachDomainMissingOrDifferent() throws Exception {
        run();
        String source = key("t2t", "source.example").publicKeyRecord();
        String stale = "v=DKIM1; k=rsa; p=" + key("t2t", "source.example").publicKeyBase64();
        try (LoopbackDns dns = LoopbackDns.builder()
                .txt("t2t._domainkey.source.example", source)
                .txt("t2t._domainkey.target.example", stale)
                .start()) {
            int code = run("--verify", "--dns-server", dns.hostAndPort());

            assertThat(code).isEqualTo(1);
            assertThat(err.toString().lines())
                .anySatisfy(line -> assertThat(line).startsWith("t2t-rewrite setup dkim: source-two.example:"
                    + " t2t._domainkey.source-two.example is missing (no such name)"))
                .anySatisfy(line -> assertThat(line).startsWith("t2t-rewrite setup dkim: target.example:"
                    + " t2t._domainkey.target.example differs from the key in the folder: the published p= is another key"))
                .hasSize(2);
            assertThat(out.toString()).contains("ok: source.example: t2t._domainkey.source.example publishes the key")
                .contains("next: publish the 2 record(s) named on stderr");
        }
    }

    @Test
    void verifyWithDnsUnreachableFailsAndSaysSo() throws Exception {
        run();
        LoopbackDns dns = LoopbackDns.builder().txt("unrelated.example", "x").start();
        String server = dns.hostAndPort();
        dns.close();

        int code = run("--verify", "--dns-server", server);

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("target.example: t2t._domainkey.target.example cannot be checked: TXT");
    }

    @Test
    void needsTheConfiguration() {
        int code = T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), "setup", "dkim", "--keys", keys.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--directory").contains("--config");
    }
}
