package org.t2trewrite.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code t2t-rewrite} command: set-up tasks for the relay, one subcommand per verb:
 * {@code setup} (the setup wizard, {@link SetupCommand}), {@code dkim-keygen}, {@code graph-check}
 * and {@code tls-keystore}. {@code ./t2t-rewrite} at the repository root runs it (building it if
 * needed), and so does {@code t2t-rewrite} on the container image's PATH.
 *
 * <p>Every subcommand returns an exit code: 0 done, 1 failed (one line on stderr, the stack trace
 * only with {@code --verbose}), 2 bad usage.
 */
@Command(name = "t2t-rewrite", mixinStandardHelpOptions = true, version = "t2t-rewrite 0.1.0",
    description = "Set-up tasks for the T2T rewrite relay.",
    footer = {"", "From a checkout: ./t2t-rewrite (builds the CLI first when needed); in the container image:",
        "t2t-rewrite on PATH. Start with: t2t-rewrite setup --help. Errors are one line on stderr;",
        "--verbose adds the stack trace."},
    subcommands = {SetupCommand.class, ExplainCommand.class, DkimKeygenCommand.class, GraphCheckCommand.class, TlsKeystoreCommand.class,
        ArcRecordsCommand.class})
public final class T2tRewriteCli implements Runnable {
    static final int FAILED = 1;
    static final int USAGE = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(out, err, args));
    }

    /** Runs the command line as {@code main} does, writing to the given streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new T2tRewriteCli());
        commandLine.setUsageHelpWidth(100);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            err.println("t2t-rewrite: " + exception.getMessage() + " (see --help)");
            err.flush();
            return USAGE;
        });
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            // An exception without a message (a bug of ours) still says what it is.
            err.println("t2t-rewrite: " + (exception.getMessage() == null ? exception.toString() : exception.getMessage()));
            if (command.getCommandSpec().findOption("--verbose") != null && Boolean.TRUE.equals(command.getCommandSpec().findOption("--verbose").getValue())) {
                exception.printStackTrace(err);
            }
            err.flush();
            return FAILED;
        });
        int code = commandLine.execute(args);
        out.flush();
        return code;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
