package org.t2trewrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.t2trewrite.graph.GraphFixture;

import picocli.CommandLine;

class GraphCheckCommandTest {
    @TempDir
    Path temp;

    private GraphFixture fixture;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws IOException {
        fixture = new GraphFixture(temp);
    }

    @AfterEach
    void tearDown() {
        fixture.graph.close();
    }

    private int run(String... args) {
        CommandLine command = new CommandLine(new GraphCheckCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    private String configFile(Map<String, String> properties) throws IOException {
        Path file = temp.resolve("t2t.properties");
        String text = properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
            .collect(Collectors.joining("\n", "directory.type=graph\n", "\n"));
        Files.writeString(file, text);
        return file.toString();
    }

    @Test
    void reportsGroupsCountsAndConflictsOfAWorkingSetup() throws IOException {
        fixture.target.addMember(GraphFixture.DAY_TWO_TARGET_ID, "t-alice");

        int code = run("--config", configFile(fixture.properties));

        assertThat(code).as(err.toString()).isEqualTo(GraphCheckCommand.OK);
        assertThat(out.toString())
            .contains("source: authenticated to tenant source-tenant as client source-app")
            .contains("source: DayOne group 'BT-IntegrationPro-DayOne' found (" + GraphFixture.DAY_ONE_ID + ")")
            .contains("target: DayOne group 'BT-IntegrationPro-DayOne' not found")
            .contains("source: DayOne transitive user members: 2")
            .contains("target: DayTwo transitive user members: 2")
            .contains("people paired across tenants: 4 (DayOne 1, DayTwo 1, in both groups 1)")
            .contains("conflict: alice@source.example / alice@target.example is in both DayOne and DayTwo");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void missingGroupFailsWithOneLine() throws IOException {
        int code = run("--config", configFile(Map.copyOf(fixture.with("graph.groups.dayTwo", "Nope").properties)));

        assertThat(code).isEqualTo(GraphCheckCommand.GROUP_MISSING);
        assertThat(err.toString()).isEqualTo("graph-check: DayTwo group 'Nope' exists in neither tenant"
            + " (create it, or run with --create-groups)" + System.lineSeparator());
    }

    @Test
    void createGroupsCreatesTheMissingGroupInTheChosenTenant() throws IOException {
        int code = run("--config", configFile(Map.copyOf(fixture.with("graph.groups.dayTwo", "New-DayTwo").properties)),
            "--create-groups", "--create-in", "target");

        assertThat(code).as(err.toString()).isEqualTo(GraphCheckCommand.OK);
        assertThat(out.toString()).contains("target: DayTwo group 'New-DayTwo' created");
        assertThat(fixture.target.groupNames).containsValue("New-DayTwo");
        assertThat(fixture.source.groupNames).doesNotContainValue("New-DayTwo");
    }

    @Test
    void wrongSecretFailsWithEntraMessageOnOneLine() throws IOException {
        fixture.source.secret = "rotated";

        int code = run("--config", configFile(fixture.properties));

        assertThat(code).isEqualTo(GraphCheckCommand.GRAPH_FAILURE);
        assertThat(err.toString()).startsWith("graph-check: token request for tenant source-tenant")
            .contains("AADSTS7000215").doesNotContain(GraphFixture.SOURCE_SECRET);
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void unknownKeyIsAConfigurationError() throws IOException {
        int code = run("--config", configFile(Map.copyOf(fixture.with("graph.syncIntervall", "5s").properties)));

        assertThat(code).isEqualTo(GraphCheckCommand.BAD_CONFIGURATION);
        assertThat(err.toString()).startsWith("graph-check: configuration: unknown key graph.syncIntervall");
    }

    @Test
    void unreachableGraphFailsWithoutStackTrace() throws IOException {
        fixture.graph.down(true);

        int code = run("--config", configFile(fixture.properties));

        assertThat(code).isEqualTo(GraphCheckCommand.GRAPH_FAILURE);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).contains("HTTP 503");
    }
}
