package org.t2trewrite.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code t2t-rewrite setup <step>}: the setup wizard, one subcommand per step, each runnable alone
 * and each ending with what to do next ({@code next:} lines). The steps, in the order
 * {@code setup all} runs them: {@code tls} (check and install the relay's certificate),
 * {@code dkim} (keys per tenant domain, the TXT records, {@code --verify} against DNS),
 * {@code dns} (SPF, DMARC and MX of the tenant domains), {@code graph} (the Graph check),
 * {@code exchange} (the Exchange Online PowerShell per tenant, printed, never run).
 *
 * <p>Exit codes of every step: 0 everything checked holds (warnings allowed), 1 a problem (one
 * line each on stderr), 2 bad usage.
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
    description = "The setup wizard: tls, dkim, dns, graph, exchange, or all of them in order.",
    footer = {"", "Each step runs alone and ends with next: lines saying what to do. In order:",
        "  setup tls --cert relay.pem --key relay.key --host relay.example.net --work-dir ./work",
        "  setup dkim --keys ./work/dkim --directory james-conf/directory.json --verify",
        "  setup dns --directory james-conf/directory.json --relay-ip 203.0.113.25",
        "  setup graph --config t2trewrite.properties         (with the Graph directory)",
        "  setup exchange --tenant source --directory james-conf/directory.json \\",
        "      --relay-host relay.example.net > source.ps1     (and --tenant target)",
        "  setup all ...                                       (every step, then a summary)",
        "Exit codes: 0 all checks hold (warnings allowed), 1 a problem (one line each on stderr), 2 bad usage.",
        "README.md, \"Setup wizard\", has every option and a complete exchange example."},
    subcommands = {SetupTlsCommand.class, SetupDkimCommand.class, SetupDnsCommand.class, SetupGraphCommand.class,
        SetupExchangeCommand.class, SetupAllCommand.class})
public final class SetupCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a step is required: tls, dkim, dns, graph, exchange or all");
    }
}
