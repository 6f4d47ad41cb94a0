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

class SetupGraphCommandTest {
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
        return T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    private String configFile(Map<String, String> properties) throws IOException {
        Path file = temp.resolve("t2t.properties");
        Files.writeString(file, properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
            .collect(Collectors.joining("\n", "", "\n")));
        return file.toString();
    }

    @Test
    void runsTheGraphCheckAndSaysWhatToDoNext() throws IOException {
        int code = run("setup", "graph", "--config", configFile(fixture.properties));

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
            .contains("source: DayOne group 'BT-IntegrationPro-DayOne' found (" + GraphFixture.DAY_ONE_ID + ")")
            .contains("source: DayOne transitive user members: 2")
            .contains("next: in each tenant, make sure the groups are mail-enabled (transport rules need it), then: setup exchange");
    }

    @Test
    void aMissingGroupKeepsGraphChecksCodeAndNamesTheFix() throws IOException {
        int code = run("setup", "graph", "--config", configFile(Map.copyOf(fixture.with("graph.groups.dayTwo", "Nope").properties)));

        assertThat(code).isEqualTo(GraphCheckCommand.GROUP_MISSING);
        assertThat(err.toString()).isEqualTo("graph-check: DayTwo group 'Nope' exists in neither tenant"
            + " (create it, or run with --create-groups)" + System.lineSeparator());
        assertThat(out.toString()).contains("next: create the group in Exchange Online as a mail-enabled security group");
    }
}
