package org.t2trewrite.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.directory.ExemptionPattern;
import org.t2trewrite.core.directory.Exemptions;
import org.t2trewrite.core.Tenant;

class GraphDirectoryConfigTest {
    @TempDir
    Path temp;

    private final Map<String, String> keys = new HashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        Path secret = Files.writeString(temp.resolve("secret"), "very-secret\n");
        for (String tenant : new String[] {"source", "target"}) {
            keys.put("graph." + tenant + ".tenantId", tenant + ".onmicrosoft.com");
            keys.put("graph." + tenant + ".clientId", tenant + "-client");
            keys.put("graph." + tenant + ".clientSecretFile", secret.toString());
        }
    }

    private GraphDirectoryConfig config() {
        return GraphDirectoryConfig.from(keys, name -> Optional.ofNullable(Map.of("GRAPH_SECRET", "from-env").get(name)));
    }

    @Test
    void minimalConfigurationUsesDocumentedDefaults() {
        GraphDirectoryConfig config = config();

        assertThat(config.group(Group.DAY_ONE)).isEqualTo("BT-IntegrationPro-DayOne");
        assertThat(config.group(Group.DAY_TWO)).isEqualTo("BT-IntegrationPro-DayTwo");
        assertThat(config.match()).isEqualTo(MatchRule.LOCAL_PART);
        assertThat(config.syncInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.staleAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.authorityUrl()).hasToString("https://login.microsoftonline.com");
        assertThat(config.baseUrl()).hasToString("https://graph.microsoft.com/v1.0");
        assertThat(config.snapshotFile()).isEmpty();
        assertThat(config.tenant(Tenant.SOURCE).domains()).isEmpty();
        assertThat(config.tenant(Tenant.SOURCE).credential().clientSecret()).contains("very-secret");
    }

    @Test
    void readsTheExceptionLists() {
        keys.put("graph.exceptions.senders", "noreply*@source.example, alerts@*");
        keys.put("graph.exceptions.recipients", "approvals@target.example");
        keys.put("graph.exceptions.domains", "apps.example");

        assertThat(config().exemptions()).isEqualTo(Exemptions.of(
            List.of(ExemptionPattern.parse("noreply*@source.example"), ExemptionPattern.parse("alerts@*")),
            List.of(ExemptionPattern.parse("approvals@target.example")), List.of(Domain.of("apps.example"))));
    }

    @Test
    void hasNoExceptionsByDefault() {
        assertThat(config().exemptions()).isEqualTo(Exemptions.none());
    }

    @Test
    void functionFormReadsTheSameKeys() {
        GraphDirectoryConfig config = GraphDirectoryConfig.from(key -> Optional.ofNullable(keys.get(key)));

        assertThat(config.tenant(Tenant.TARGET).clientId()).isEqualTo("target-client");
    }

    @Test
    void secretCanComeFromTheEnvironment() {
        keys.remove("graph.target.clientSecretFile");
        keys.put("graph.target.clientSecretEnv", "GRAPH_SECRET");

        assertThat(config().tenant(Tenant.TARGET).credential().clientSecret()).contains("from-env");
    }

    @Test
    void secretNeverAppearsInToString() {
        assertThat(config().toString()).doesNotContain("very-secret").contains("client secret from graph.source.clientSecretFile");
    }

    @ParameterizedTest(name = "{0}={1} is rejected: {2}")
    @CsvSource(delimiter = '|', value = {
        "graph.syncIntervall | 5s | unknown key graph.syncIntervall",
        "graph.syncInterval | soon | graph.syncInterval: 'soon': not a duration",
        "graph.syncInterval | 50ms | graph.syncInterval: '50ms' is outside",
        "graph.staleAfter | 2h | graph.staleAfter: '2h' is outside",
        "graph.match | upn | graph.match: 'upn': must be localPart, employeeId or extensionAttribute1..15",
        "graph.match | extensionAttribute16 | graph.match: 'extensionAttribute16'",
        "graph.baseUrl | http://graph.example/v1.0 | graph.baseUrl: http is only allowed for a loopback host",
        "graph.authorityUrl | ftp://login | graph.authorityUrl: must be an http(s) URL",
        "graph.groups.dayTwo | bt-integrationpro-dayone | graph.groups.dayTwo: 'bt-integrationpro-dayone' is also the DayOne group",
        "graph.source.domains | bad domain | graph.source.domains: 'bad domain'",
        "graph.target.domains | source.example | graph.target.domains: [source.example] also listed",
        "graph.source.tenantId | a/b | graph.source.tenantId: not a tenant id",
        "graph.source.clientSecretEnv | NOT_SET | set exactly one of graph.source.clientSecretFile",
        "graph.snapshotFile | /no/such/dir/s.json | graph.snapshotFile: directory of '/no/such/dir/s.json' does not exist",
        "graph.exceptions.senders | noreply | graph.exceptions.senders: 'noreply': 'noreply' is not an address",
        "graph.exceptions.recipients | '*@*' | graph.exceptions.recipients: '*@*': '*@*' would exempt every address",
        "graph.exceptions.recipients | 'a@x.example, A@X.example' | graph.exceptions.recipients: 'A@X.example' is listed twice",
        "graph.exceptions.domains | apps example | graph.exceptions.domains: 'apps example'",
        "graph.exception.senders | a@x.example | unknown key graph.exception.senders",
    })
    void badValueIsRejectedNamingTheKey(String key, String value, String message) {
        keys.put("graph.source.domains", "source.example");
        keys.put(key, value);

        assertThatThrownBy(this::config).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @ParameterizedTest(name = "missing {0}")
    @CsvSource({"graph.source.tenantId", "graph.target.clientId"})
    void requiredKeyIsNamedWhenMissing(String key) {
        keys.remove(key);

        assertThatThrownBy(this::config).hasMessage(key + " is required");
    }

    @Test
    void missingEnvironmentVariableIsNamed() {
        keys.remove("graph.source.clientSecretFile");
        keys.put("graph.source.clientSecretEnv", "NOT_SET");

        assertThatThrownBy(this::config).hasMessage("graph.source.clientSecretEnv: environment variable 'NOT_SET' is not set");
    }

    @Test
    void certificateNeedsItsPrivateKey() {
        keys.remove("graph.source.clientSecretFile");
        keys.put("graph.source.certificateFile", temp.resolve("cert.pem").toString());

        assertThatThrownBy(this::config).hasMessageContaining("graph.source.privateKeyFile is required with graph.source.certificateFile");
    }

    @Test
    void unreadableCertificateIsNamed() {
        keys.remove("graph.source.clientSecretFile");
        keys.put("graph.source.certificateFile", temp.resolve("cert.pem").toString());
        keys.put("graph.source.privateKeyFile", temp.resolve("key.pem").toString());

        assertThatThrownBy(this::config).hasMessageContaining("cannot read certificate " + temp.resolve("cert.pem"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"500ms, PT0.5S", "5s, PT5S", "2m, PT2M", "1h, PT1H", "15 seconds, PT15S"})
    void durationsAreReadInShortOrIsoForm(String text, String iso) {
        assertThat(GraphDirectoryConfig.parseDuration(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"localPart, localPart", "EMPLOYEEID, employeeId", "extensionAttribute7, extensionAttribute7",
        "extensionattribute15, extensionAttribute15"})
    void matchRulesParseCaseInsensitively(String text, String name) {
        assertThat(MatchRule.parse(text).name()).isEqualTo(name);
    }
}
