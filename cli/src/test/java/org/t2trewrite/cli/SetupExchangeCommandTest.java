package org.t2trewrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetupExchangeCommandTest {
    @TempDir
    Path folder;

    private Path directory;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void files() {
        directory = SetupFixtures.directory(folder);
    }

    private int run(String... args) {
        return T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), Stream.concat(
            Stream.of("setup", "exchange", "--relay-host", "relay1.example.net", "--relay-host", "relay2.example.net"),
            Stream.of(args)).toArray(String[]::new));
    }

    /** The PowerShell commands of the output (every other line is a comment or blank). */
    private List<String> commands() {
        return out.toString().lines().filter(line -> !line.isBlank() && !line.startsWith("#")).collect(Collectors.toList());
    }

    private String command(String cmdlet) {
        return commands().stream().filter(line -> line.startsWith(cmdlet + " ")).findFirst()
            .orElseThrow(() -> new AssertionError("no " + cmdlet + " in\n" + out));
    }

    @Test
    void sourceTenantRoutesDayOneMailToExternalRecipientsThroughTheRelay() {
        int code = run("--tenant", "source", "--directory", directory.toString(), "--tls-cert-name", "relay.example.net");

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(command("New-OutboundConnector"))
            .contains("-Name 'T2T Rewrite relay'")
            .contains("-ConnectorType Partner")
            .contains("-UseMXRecord $false")
            .contains("-SmartHosts 'relay1.example.net','relay2.example.net'")
            .contains("-TlsSettings DomainValidation -TlsDomain 'relay.example.net'")
            .contains("-IsTransportRuleScoped $true");
        assertThat(command("New-InboundConnector"))
            .contains("-Name 'T2T Rewrite relay inbound'")
            .contains("-ConnectorType Partner -SenderDomains '*'")
            .contains("-RequireTls $true -RestrictDomainsToCertificate $true -TlsSenderCertificateName 'relay.example.net'");
        assertThat(command("Set-InboundConnector")).isEqualTo("Set-InboundConnector -Identity 'T2T Rewrite relay inbound' -EFSkipLastIP $true");
        List<String> rules = commands().stream().filter(line -> line.startsWith("New-TransportRule ")).collect(Collectors.toList());
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0))
            .startsWith("New-TransportRule -Name 'T2T Rewrite: DayOne mail to external recipients'")
            .contains("-FromMemberOf 'BT-IntegrationPro-DayOne'")
            .contains("-SentToScope NotInOrganization")
            .contains("-RouteMessageOutboundConnector 'T2T Rewrite relay'")
            .contains("-Enabled $false")
            .doesNotContain("DayTwo")
            .doesNotContain("ExceptIf");
        assertThat(rules.get(1))
            .contains("-SentToMemberOf 'BT-IntegrationPro-DayOne','BT-IntegrationPro-DayTwo'")
            .contains("-RouteMessageOutboundConnector 'T2T Rewrite relay'");
        assertThat(commands()).contains("Enable-TransportRule -Identity 'T2T Rewrite: DayOne mail to external recipients'");
        // every block says what it does, and the output is a script: the next steps are comments too
        assertThat(out.toString()).contains("# ---- 1. Outbound connector to the relay ----\n# Sends mail to the relay")
            .contains("# next: setup exchange --tenant target for the other tenant")
            .contains("never runs it");
        assertThat(commands()).allSatisfy(line -> assertThat(line).matches("^(New|Set|Enable)-[A-Za-z]+ .*"));
    }

    @Test
    void targetTenantRoutesDayTwoMailAndDefaultsTheCertificateNameToTheFirstHost() {
        int code = run("--tenant", "target", "--directory", directory.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(command("New-OutboundConnector")).contains("-TlsDomain 'relay1.example.net'");
        assertThat(command("New-TransportRule"))
            .startsWith("New-TransportRule -Name 'T2T Rewrite: DayTwo mail to external recipients'")
            .contains("-FromMemberOf 'BT-IntegrationPro-DayTwo'");
        assertThat(out.toString()).contains("for the target tenant (target.example)")
            .contains("presents them with their source address and signs for source-two.example, source.example");
    }

    @Test
    void appliesTheExceptionsToBothRules() {
        int code = run("--tenant", "source", "--directory", directory.toString(), "--except", "Approvals+Flow@source.example",
            "--except", "partner.example");

        assertThat(code).as(err.toString()).isZero();
        List<String> rules = commands().stream().filter(line -> line.startsWith("New-TransportRule ")).collect(Collectors.toList());
        assertThat(rules).hasSize(2).allSatisfy(rule -> assertThat(rule)
            .contains("-ExceptIfFromAddressMatchesPatterns '^approvals\\+flow@source\\.example$'")
            .contains("-ExceptIfRecipientAddressMatchesPatterns '^approvals\\+flow@source\\.example$'")
            .contains("-ExceptIfSenderDomainIs 'partner.example'")
            .contains("-ExceptIfRecipientDomainIs 'partner.example'"));
        assertThat(out.toString()).contains("# Never through the relay (exceptions): from approvals+flow@source.example;");
    }

    @Test
    void appliesTheDirectoryFilesExceptionsTheRelayHonours() throws IOException {
        String text = java.nio.file.Files.readString(directory);
        java.nio.file.Path withExceptions = folder.resolve("with-exceptions.json");
        java.nio.file.Files.writeString(withExceptions, text.replaceFirst("\\{", "{\"exceptions\": {"
            + "\"senders\": [\"noreply*@source.example\", \"approvals@*\"], \"recipients\": [\"@board.example\"],"
            + " \"domains\": [\"partner.example\"]},"));

        int code = run("--tenant", "source", "--directory", withExceptions.toString(), "--except", "app@source.example");

        assertThat(code).as(err.toString()).isZero();
        assertThat(command("New-TransportRule"))
            .contains("-ExceptIfFromAddressMatchesPatterns '^noreply\\S*@source\\.example$','^approvals@\\S+$','^app@source\\.example$'")
            .contains("-ExceptIfRecipientAddressMatchesPatterns '^\\S*@board\\.example$','^app@source\\.example$'")
            .contains("-ExceptIfSenderDomainIs 'partner.example'");
    }

    @Test
    void withTheSealingDomainTheTenantIsToldToTrustTheRelaysArcSeals() {
        int code = run("--tenant", "target", "--directory", directory.toString(), "--arc-domain", "relay.example.net");

        assertThat(code).as(err.toString()).isZero();
        assertThat(command("Set-ArcConfig")).isEqualTo("Set-ArcConfig -Identity Default -ArcTrustedSealers ($sealers -join ',')");
        assertThat(commands()).anyMatch(line -> line.startsWith("$sealers = ") && line.contains("'relay.example.net'"));
        assertThat(out.toString()).contains("# ---- 7. Trust the relay's ARC seals ----");
    }

    @Test
    void withoutTheSealingDomainThereIsNoArcBlock() {
        assertThat(run("--tenant", "source", "--directory", directory.toString())).isZero();
        assertThat(commands()).noneMatch(line -> line.contains("ArcConfig"));
    }

    @Test
    void theGeneratorTakesAnExceptionListDirectly() {
        SetupConfig setup = SetupConfig.of("test", java.util.Map.of(
                org.t2trewrite.core.Tenant.SOURCE, List.of(org.t2trewrite.core.Domain.of("source.example")),
                org.t2trewrite.core.Tenant.TARGET, List.of(org.t2trewrite.core.Domain.of("target.example"))),
            java.util.Map.of(org.t2trewrite.core.Group.DAY_ONE, "DayOne", org.t2trewrite.core.Group.DAY_TWO, "DayTwo"));
        ExchangeScript script = new ExchangeScript(org.t2trewrite.core.Tenant.SOURCE, setup, List.of("relay.example.net"),
            "relay.example.net", List.of(), ExchangeScript.InboundBy.certificate,
            ExchangeScript.Exceptions.of(List.of("app@source.example"), List.of("board@partner.example"), List.of()));

        assertThat(script.render()).contains("-ExceptIfFromAddressMatchesPatterns '^app@source\\.example$'"
            + " -ExceptIfRecipientAddressMatchesPatterns '^board@partner\\.example$' -Enabled $false");
    }

    @Test
    void inboundByIpAcceptsTheRelayAddressesAndFilteringSkipsExactlyThem() {
        int code = run("--tenant", "source", "--directory", directory.toString(), "--inbound-by", "ip", "--relay-ip", "203.0.113.25",
            "--relay-ip", "203.0.113.26");

        assertThat(code).as(err.toString()).isZero();
        assertThat(command("New-InboundConnector"))
            .contains("-RequireTls $true -RestrictDomainsToIPAddresses $true -SenderIPAddresses '203.0.113.25','203.0.113.26'")
            .doesNotContain("TlsSenderCertificateName");
        assertThat(command("Set-InboundConnector")).endsWith("-EFSkipLastIP $false -EFSkipIPs '203.0.113.25','203.0.113.26'");
    }

    @Test
    void takesGroupNamesFromTheGraphConfiguration() throws IOException {
        Path secret = Files.writeString(folder.resolve("secret"), "s");
        Path config = Files.writeString(folder.resolve("t2trewrite.properties"), String.join("\n",
            "graph.source.tenantId=11111111-1111-1111-1111-111111111111", "graph.source.clientId=a",
            "graph.source.clientSecretFile=" + secret, "graph.source.domains=source.example",
            "graph.target.tenantId=22222222-2222-2222-2222-222222222222", "graph.target.clientId=b",
            "graph.target.clientSecretFile=" + secret, "graph.target.domains=target.example",
            "graph.groups.dayOne=Migration Wave 1", "graph.groups.dayTwo=Kept O'Brien addresses", ""));

        int code = run("--tenant", "source", "--config", config.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(command("New-TransportRule")).contains("-FromMemberOf 'Migration Wave 1'");
        assertThat(commands()).anySatisfy(line -> assertThat(line).contains("-SentToMemberOf 'Migration Wave 1','Kept O''Brien addresses'"));
    }

    @Test
    void groupOptionsNameTheExchangeGroups() {
        int code = run("--tenant", "target", "--directory", directory.toString(), "--day-one-group", "Wave 1",
            "--day-two-group", "Wave 2");

        assertThat(code).as(err.toString()).isZero();
        assertThat(command("New-TransportRule")).contains("-FromMemberOf 'Wave 2'");
        assertThat(commands()).anySatisfy(line -> assertThat(line).contains("-SentToMemberOf 'Wave 1','Wave 2'"));
    }

    @Test
    void refusesAnIpv6RelayAddressAndABadTenantInOneLine() {
        assertThat(run("--tenant", "source", "--directory", directory.toString(), "--relay-ip", "2001:db8::25")).isEqualTo(1);
        assertThat(err.toString().trim()).isEqualTo("t2t-rewrite: --relay-ip: Exchange Online connectors take IPv4 addresses,"
            + " not '2001:db8::25'");
        assertThat(commands()).isEmpty();
    }

    @Test
    void needsTheRelayHosts() {
        int code = T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), "setup", "exchange", "--tenant", "source",
            "--directory", directory.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--relay-host");
    }
}
