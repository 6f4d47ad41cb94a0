package org.t2trewrite.cli;

import org.t2trewrite.graph.GraphDirectoryConfig;

import picocli.CommandLine.Option;

/** The DayOne and DayTwo group names, for {@code setup exchange} and {@code setup all}, which runs it. */
final class GroupNameOptions {
    @Option(names = "--day-one-group", paramLabel = "NAME", description = "the DayOne group's name in Exchange (default: the"
        + " configuration's graph.groups.dayOne, else " + GraphDirectoryConfig.DEFAULT_DAY_ONE + ")")
    String dayOne;

    @Option(names = "--day-two-group", paramLabel = "NAME", description = "the DayTwo group's name (default: graph.groups.dayTwo,"
        + " else " + GraphDirectoryConfig.DEFAULT_DAY_TWO + ")")
    String dayTwo;
}
