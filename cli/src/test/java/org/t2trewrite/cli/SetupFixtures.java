package org.t2trewrite.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.t2trewrite.testing.LoopbackDns;

/** What the setup steps' tests share: a directory file with two domains per tenant, and the dnsmasq check. */
final class SetupFixtures {
    static final String DIRECTORY = "{\n"
        + "  \"tenants\": {\n"
        + "    \"source\": { \"domains\": [\"source.example\", \"source-two.example\"] },\n"
        + "    \"target\": { \"domains\": [\"target.example\"] }\n"
        + "  },\n"
        + "  \"people\": [\n"
        + "    { \"source\": \"alice@source.example\", \"target\": \"alice@target.example\", \"sourceAliases\": [],"
        + " \"targetAliases\": [], \"mailbox\": \"source\", \"groups\": [\"DayOne\"] }\n"
        + "  ]\n"
        + "}\n";

    private SetupFixtures() {
    }

    static Path directory(Path folder) {
        try {
            return Files.writeString(folder.resolve("directory.json"), DIRECTORY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Under CI=true a missing dnsmasq fails the test (.ci/run installs it); elsewhere it skips. */
    static void needDnsmasq() {
        if ("true".equals(System.getenv("CI"))) {
            assertThat(LoopbackDns.available()).as("dnsmasq (.ci/run installs dnsmasq-base)").isTrue();
        }
        assumeTrue(LoopbackDns.available(), "dnsmasq is not installed");
    }
}
