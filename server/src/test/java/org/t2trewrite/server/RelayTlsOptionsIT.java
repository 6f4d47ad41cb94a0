package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.cli.TestPki;

/**
 * {@code ./relay} refuses inconsistent TLS options before it builds or starts anything: exit code
 * 2 and one line naming the option. Starts no James.
 */
class RelayTlsOptionsIT {
    private static final TestPki.Identity RELAY_IDENTITY = TestPki.newCa("T2T test CA").issue("relay.test");

    @TempDir
    Path folder;

    @Test
    void refusesACertificateWithoutItsKey() throws Exception {
        Path cert = RELAY_IDENTITY.writeCertificate(folder.resolve("relay.pem"));

        assertThat(relay("--tls-cert", cert.toString())).isEqualTo("exit 2: relay: --tls-cert and --tls-key go together");
    }

    @Test
    void refusesAKeyWithoutItsCertificate() throws Exception {
        Path key = RELAY_IDENTITY.writeKey(folder.resolve("relay.key"));

        assertThat(relay("--tls-key", key.toString())).isEqualTo("exit 2: relay: --tls-cert and --tls-key go together");
    }

    @Test
    void refusesAMissingFileNamingIt() throws Exception {
        Path key = RELAY_IDENTITY.writeKey(folder.resolve("relay.key"));
        Path missing = folder.resolve("missing.pem");

        assertThat(relay("--tls-cert", missing.toString(), "--tls-key", key.toString()))
            .isEqualTo("exit 2: relay: --tls-cert: not a readable file: " + missing);
    }

    @Test
    void refusesRequireTlsWithoutACertificate() throws Exception {
        assertThat(relay("--require-tls")).isEqualTo("exit 2: relay: --require-tls needs --tls-cert and --tls-key (nobody could send mail)");
    }

    /** Runs ./relay with these options in the temp folder; "exit N: " and its last stderr line. */
    private String relay(String... options) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("t2t.project.root")).resolve("relay").toString());
        command.addAll(List.of("--work-dir", folder.resolve("work").toString()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String[] lines = output.split("\n");
        return "exit " + process.exitValue() + ": " + lines[lines.length - 1];
    }
}
