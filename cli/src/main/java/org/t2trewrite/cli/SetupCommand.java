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
