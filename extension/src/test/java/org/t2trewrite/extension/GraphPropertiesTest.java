package org.t2trewrite.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.server.core.configuration.Configuration.Basic;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.PropertiesProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conf/t2trewrite.properties} read the way James 3.8.1 reads it ({@link PropertiesProvider},
 * which splits every value at commas), then turned into the Graph directory's keys.
 */
class GraphPropertiesTest {
    @TempDir
    Path james;

    private Configuration load(String... lines) throws Exception {
        Files.createDirectories(james.resolve("conf"));
        Files.writeString(james.resolve("conf/t2trewrite.properties"), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        Basic configuration = org.apache.james.server.core.configuration.Configuration.builder()
            .workingDirectory(james.toFile())
            .build();
        return new PropertiesProvider(new FileSystemImpl(configuration.directories()), configuration.configurationPath())
            .getConfiguration("t2trewrite");
    }

    @Test
    void keepsEveryDomainOfACommaSeparatedList() throws Exception {
        Map<String, String> keys = GraphProperties.from(load(
            "directory.type=graph",
            "graph.source.domains=source.example, source.onmicrosoft.com,legacy.example",
            "graph.syncInterval=5s"));

        assertThat(keys).containsOnly(
            Map.entry("graph.source.domains", "source.example,source.onmicrosoft.com,legacy.example"),
            Map.entry("graph.syncInterval", "5s"));
    }

    @Test
    void keepsEveryEntryOfTheExceptionLists() throws Exception {
        Map<String, String> keys = GraphProperties.from(load(
            "graph.exceptions.senders=noreply*@source.example, alerts@*",
            "graph.exceptions.recipients=approvals@target.example,hr@target.example",
            "graph.exceptions.domains=apps.example"));

        assertThat(keys).containsOnly(
            Map.entry("graph.exceptions.senders", "noreply*@source.example,alerts@*"),
            Map.entry("graph.exceptions.recipients", "approvals@target.example,hr@target.example"),
            Map.entry("graph.exceptions.domains", "apps.example"));
    }

    @Test
    void readsAnEscapedCommaInAGroupNameAsAComma() throws Exception {
        Map<String, String> keys = GraphProperties.from(load("graph.groups.dayOne=Migration\\, wave 1"));

        assertThat(keys).containsEntry("graph.groups.dayOne", "Migration, wave 1");
    }

    @Test
    void rejectsAnUnescapedCommaOutsideTheDomainLists() throws Exception {
        Configuration configuration = load("graph.groups.dayOne=Migration, wave 1");

        assertThatThrownBy(() -> GraphProperties.from(configuration))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("graph.groups.dayOne")
            .hasMessageContaining("Migration")
            .hasMessageContaining("\\,");
    }

    @Test
    void expandsJamesPlaceholders() throws Exception {
        System.setProperty("t2t.test.graph.tenant", "contoso.onmicrosoft.com");
        try {
            assertThat(GraphProperties.from(load("graph.source.tenantId=${sys:t2t.test.graph.tenant}")))
                .containsEntry("graph.source.tenantId", "contoso.onmicrosoft.com");
        } finally {
            System.clearProperty("t2t.test.graph.tenant");
        }
    }

    @Test
    void readsAnEscapedCommaInTheDirectoryFilePathAndRejectsABareOne() throws Exception {
        Configuration escaped = load("directory.file=/srv/t2t/a\\,b.json");
        Configuration bare = load("directory.file=/srv/t2t/a,b.json");

        assertThat(PropertyValues.single(escaped, "directory.file")).contains("/srv/t2t/a,b.json");
        assertThatThrownBy(() -> PropertyValues.single(bare, "directory.file"))
            .hasMessageContaining("directory.file")
            .hasMessageContaining("\\,");
    }
}
