package org.t2trewrite.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Tenant;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code t2t-rewrite setup exchange}: prints the Exchange Online PowerShell for one tenant
 * ({@link ExchangeScript}), generated from the relay's configuration (tenant domains, group
 * names) and the options naming the relay. Prints, never runs: an administrator runs it after
 * reading what each block does. Every line that is not PowerShell is a {@code #} comment, so the
 * output can be saved as a {@code .ps1} file.
 *
 * <pre>
 * t2t-rewrite setup exchange --tenant source --directory james-conf/directory.json \
 *     --relay-host relay1.example.net --relay-host relay2.example.net [--tls-cert-name relay.example.net] \
 *     [--relay-ip 203.0.113.25] [--inbound-by certificate|ip] [--except app@source.example] [--except partner.example]
 * </pre>
 *
 * <ul>
 *   <li>{@code --tenant} — required — {@code source} or {@code target}.</li>
 *   <li>{@code --directory FILE} or {@code --config FILE} — one required — tenant domains; with
 *   {@code --config} also the group names ({@code graph.groups.*}); {@code --day-one-group},
 *   {@code --day-two-group} override them.</li>
 *   <li>{@code --relay-host} — required, repeatable — the smart hosts (relay nodes), as the
 *   tenant reaches them.</li>
 *   <li>{@code --tls-cert-name} — default the first {@code --relay-host} — the name of the relay's
 *   certificate (what {@code setup tls --host} checked).</li>
 *   <li>{@code --relay-ip} — repeatable, IPv4 — the relay's outgoing addresses: Enhanced Filtering
 *   skips exactly them (without: the last hop), and {@code --inbound-by ip} accepts them.</li>
 *   <li>{@code --inbound-by} — default {@code certificate} — how the inbound connector recognises the relay.</li>
 *   <li>{@code --except} — repeatable — an address or a domain whose mail never goes through the relay, in
 *       addition to the exceptions of the directory configuration (which are always applied).</li>
 * </ul>
 */
@Command(name = "exchange", mixinStandardHelpOptions = true,
    description = "Print the Exchange Online PowerShell (connectors, transport rules) for one tenant; never runs it.")
public final class SetupExchangeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    SetupConfig.Options config;

    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "source or target")
    String tenant;

    @Option(names = "--relay-host", required = true, paramLabel = "NAME", description = "a smart host name of the relay (repeatable)")
    List<String> relayHosts;

    @Option(names = "--tls-cert-name", paramLabel = "NAME", description = "the relay certificate's name (default: the first --relay-host)")
    String tlsCertName;

    @Option(names = "--relay-ip", paramLabel = "IP", description = "an IPv4 address the relay sends from (repeatable)")
    List<String> relayIps = new ArrayList<>();

    @Option(names = "--inbound-by", defaultValue = "certificate", paramLabel = "HOW",
        description = "certificate or ip: how the inbound connector recognises the relay (default: ${DEFAULT-VALUE})")
    ExchangeScript.InboundBy inboundBy;

    @Option(names = "--except", paramLabel = "ADDRESS_OR_DOMAIN", description = "never route this sender/recipient address or domain"
        + " through the relay (repeatable)")
    List<String> except = new ArrayList<>();

    @Option(names = "--arc-domain", paramLabel = "DOMAIN", description = "the relay's ARC sealing domain (./relay --arc-domain,"
        + " t2t.arc.domain): adds the Set-ArcConfig block that makes this tenant trust its seals")
    String arcDomain;

    @Mixin
    GroupNameOptions groups = new GroupNameOptions();

    @Option(names = "--verbose", description = "Show stack traces of errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        return run(new SetupReport("exchange", "# ", spec.commandLine().getOut(), spec.commandLine().getErr()));
    }

    int run(SetupReport report) throws Exception {
        SetupConfig setup = config.load(groups.dayOne, groups.dayTwo);
        ExchangeScript script = script(setup, ExchangeScript.Exceptions.from(setup.exemptions()).and(ExchangeScript.Exceptions.parse(except)));
        report.print(script.render());
        report.next("read each block, then run it in Exchange Online PowerShell for the " + tenant + " tenant");
        report.next("setup exchange --tenant " + (Tenant.parse(tenant) == Tenant.SOURCE ? "target" : "source") + " for the other tenant");
        return report.finish();
    }

    /** The generator for these options; {@code exceptions}: the directory configuration's and {@code --except}'s. */
    ExchangeScript script(SetupConfig setup, ExchangeScript.Exceptions exceptions) {
        Tenant parsed;
        try {
            parsed = Tenant.parse(tenant);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tenant: " + e.getMessage(), e);
        }
        Optional<Domain> arc;
        try {
            arc = Optional.ofNullable(arcDomain).map(Domain::of);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--arc-domain: " + e.getMessage(), e);
        }
        return new ExchangeScript(parsed, setup, relayHosts, tlsCertName == null ? relayHosts.get(0) : tlsCertName, relayIps,
            inboundBy, exceptions, arc);
    }
}
