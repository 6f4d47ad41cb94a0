package org.t2trewrite.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/** The options of {@code graph-check}, shared with {@code setup graph}, which runs it. */
final class GraphCheckOptions {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "properties file with the graph.* keys")
    Path config;

    @Option(names = "--create-groups", description = "create a group that exists in neither tenant")
    boolean createGroups;

    @Option(names = "--create-in", defaultValue = "source", paramLabel = "TENANT",
        description = "tenant where --create-groups creates groups: source or target (default: ${DEFAULT-VALUE})")
    String createIn;

    @Option(names = "--show", defaultValue = "10", paramLabel = "N", description = "conflicts and problems to print (default: ${DEFAULT-VALUE})")
    int show;

    @Option(names = "--verbose", description = "print stack traces on failure")
    boolean verbose;

    /** These options as graph-check's command line. */
    List<String> asArguments() {
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "--create-in", createIn, "--show", String.valueOf(show)));
        if (createGroups) {
            args.add("--create-groups");
        }
        if (verbose) {
            args.add("--verbose");
        }
        return args;
    }
}
