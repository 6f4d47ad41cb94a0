package org.t2trewrite.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DirectoryConfigurationTest {

    private static DirectoryConfiguration parse(Map<String, String> properties) {
        return DirectoryConfiguration.from(properties.keySet().iterator(), key -> Optional.ofNullable(properties.get(key)));
    }

    @Test
    void readsTheFileDirectoryWithDefaults() {
        DirectoryConfiguration config = parse(Map.of("directory.file", "file://conf/directory.json"));

        assertThat(config.type()).isEqualTo(DirectoryConfiguration.Type.FILE);
        assertThat(config.file()).contains("file://conf/directory.json");
        assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"500ms,PT0.5S", "2s,PT2S", "3 seconds,PT3S", "1m,PT1M", "1500,PT1.5S"})
    void parsesPollIntervals(String value, String expected) {
        assertThat(parse(Map.of("directory.file", "/x.json", "directory.pollInterval", value)).pollInterval())
            .isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "directory.type,ldap,'must be ''file'' or ''graph'''",
        "directory.pollInterval,0s,must be positive",
        "directory.pollInterval,soon,is not a duration",
        "directory.fiel,/x.json,unknown key(s) [directory.fiel]"})
    void rejectsBadConfigurationNamingTheKey(String key, String value, String message) {
        assertThatThrownBy(() -> parse(Map.of("directory.file", "/x.json", key, value)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(message);
    }

    @Test
    void requiresTheFileForTheFileDirectory() {
        assertThatThrownBy(() -> parse(Map.of("directory.type", "file")))
            .hasMessageContaining("directory.file is required");
    }

    @Test
    void leavesOtherPrefixesToTheirComponents() {
        assertThat(parse(Map.of("directory.file", "/x.json", "graph.source.tenantId", "t")).type())
            .isEqualTo(DirectoryConfiguration.Type.FILE);
    }
}
