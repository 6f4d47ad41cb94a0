package org.t2trewrite.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code t2t-rewrite setup graph}: the Graph check ({@link GraphCheckCommand}: authenticates to
 * both tenants, finds the DayOne and DayTwo groups or creates them with {@code --create-groups},
 * syncs once, prints member counts and the people in both groups), then what to do next. Exit
 * codes are graph-check's: 0 working, 1 authentication or Graph failure, 2 bad configuration,
 * 3 a group is missing.
 *
 * <pre>
 * t2t-rewrite setup graph --config conf/t2t-rewrite.properties [--create-groups [--create-in source|target]]
 * </pre>
 */
@Command(name = "graph", mixinStandardHelpOptions = true,
    description = "The Graph check: authenticate, find or --create-groups, member counts, conflicts.")
public final class SetupGraphCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    GraphCheckOptions options;

    @Override
    public Integer call() {
        return run(new SetupReport("graph", spec.commandLine().getOut(), spec.commandLine().getErr()));
    }

    /** Runs graph-check into the report's streams, then the next steps; returns graph-check's exit code. */
    int run(SetupReport report) {
        List<String> args = options.asArguments();
        CommandLine check = new CommandLine(new GraphCheckCommand());
        check.setOut(report.out());
        check.setErr(report.err());
        int code = check.execute(args.toArray(new String[0]));
        switch (code) {
            case GraphCheckCommand.OK:
                report.next("in each tenant, make sure the groups are mail-enabled (transport rules need it), then:"
                    + " setup exchange --tenant source and --tenant target");
                break;
            case GraphCheckCommand.GROUP_MISSING:
                report.problemReported("a group is missing");
                report.next("create the group in Exchange Online as a mail-enabled security group (New-DistributionGroup -Name NAME"
                    + " -Type Security), or run setup graph --create-groups, then run setup graph again");
                break;
            case GraphCheckCommand.BAD_CONFIGURATION:
                report.problemReported("bad configuration");
                report.next("fix the graph.* key named above in " + options.config + " and run setup graph again");
                break;
            default:
                report.problemReported("Graph failure");
                report.next("check the app registration (tenant id, client id, secret or certificate, the GroupMember.Read.All"
                    + " and User.Read.All application permissions with admin consent), then run setup graph again");
                break;
        }
        report.finish();
        return code;
    }
}
