package org.t2trewrite.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSecretsTest {
    private static final String KEY_LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";

    @TempDir
    Path work;

    private void files() throws Exception {
        Files.createDirectories(work.resolve("dkim"));
        Files.writeString(work.resolve("dkim/t2t._domainkey.source.example.pem"),
            "-----BEGIN PRIVATE KEY-----\n" + KEY_LINE + "\n-----END PRIVATE KEY-----\n", UTF_8);
        Files.createDirectories(work.resolve("conf"));
        Files.writeString(work.resolve("conf/jvm.properties"),
            "t2t.smtp.port=2525\njavax.net.ssl.keyStorePassword=s3cret-store-pw\n", UTF_8);
    }

    @Test
    void findsPrivateKeyMaterialInTheLog() throws Exception {
        files();
        assertThatThrownBy(() -> LogSecrets.assertNoneIn("ERROR key " + KEY_LINE, work, Map.of()))
            .hasMessageContaining("private key material of t2t._domainkey.source.example.pem")
            .hasMessageNotContaining(KEY_LINE);
    }

    @Test
    void findsAPasswordOrAnEnvironmentSecret() throws Exception {
        files();
        assertThatThrownBy(() -> LogSecrets.assertNoneIn("opening store with s3cret-store-pw", work, Map.of()))
            .hasMessageContaining("javax.net.ssl.keyStorePassword in jvm.properties");
        assertThatThrownBy(() -> LogSecrets.assertNoneIn("token graph-client-secret-1", work, Map.of("T2T_SECRET", "graph-client-secret-1")))
            .hasMessageContaining("environment variable T2T_SECRET");
    }

    @Test
    void aSecretFilesPathMayBeLoggedButNotWhatItHolds() throws Exception {
        files();
        Files.writeString(work.resolve("conf/graph-secret"), "graph-client-secret-2\n", UTF_8);
        Files.writeString(work.resolve("conf/t2trewrite.properties"), "graph.source.clientSecretFile=graph-secret\n", UTF_8);

        assertThatCode(() -> LogSecrets.assertNoneIn("reading graph-secret", work, Map.of())).doesNotThrowAnyException();
        assertThatThrownBy(() -> LogSecrets.assertNoneIn("token graph-client-secret-2", work, Map.of()))
            .hasMessageContaining("the content of graph.source.clientSecretFile (graph-secret)");
    }

    @Test
    void aCleanLogPasses() throws Exception {
        files();
        assertThatCode(() -> LogSecrets.assertNoneIn("INFO mail=M1 rule=dkim signed d=target.example", work, Map.of()))
            .doesNotThrowAnyException();
    }
}
