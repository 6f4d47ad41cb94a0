package org.t2trewrite.extension;

import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.t2trewrite.graph.GraphDirectoryConfig;

import com.google.common.collect.ImmutableSet;

/**
 * The {@code directory.*} keys of {@code conf/t2trewrite.properties}, validated once at start-up.
 *
 * <pre>
 * directory.type=file                        # file (default) | graph
 * directory.file=file://conf/directory.json  # file: the JSON directory; file:// is relative to James's working directory
 * directory.pollInterval=1s                  # file: how often the file is checked for changes (ISO-8601 or 500ms / 2s)
 * </pre>
 *
 * Unknown {@code directory.*} keys and bad values are rejected with a message naming the key:
 * a typo must stop James, not quietly become a default. Keys of other prefixes (e.g.
 * {@code graph.*}) belong to their own component.
 */
public final class DirectoryConfiguration {
    public enum Type {
        FILE,
        GRAPH
    }

    static final String TYPE = "directory.type";
    static final String FILE = "directory.file";
    static final String POLL_INTERVAL = "directory.pollInterval";
    private static final Set<String> KEYS = ImmutableSet.of(TYPE, FILE, POLL_INTERVAL);

    private final Type type;
    private final Optional<String> file;
    private final Duration pollInterval;

    private DirectoryConfiguration(Type type, Optional<String> file, Duration pollInterval) {
        this.type = type;
        this.file = file;
        this.pollInterval = pollInterval;
    }

    /**
     * @param keys every key present in the file
     * @param values the value of a key, empty when absent
     */
    public static DirectoryConfiguration from(Iterator<String> keys, Function<String, Optional<String>> values) {
        Set<String> unknown = new TreeSet<>();
        keys.forEachRemaining(key -> {
            if (key.startsWith("directory.") && !KEYS.contains(key)) {
                unknown.add(key);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("t2trewrite.properties: unknown key(s) " + unknown + "; known: " + new TreeSet<>(KEYS));
        }
        Type type = values.apply(TYPE).map(DirectoryConfiguration::parseType).orElse(Type.FILE);
        Optional<String> file = values.apply(FILE).map(String::trim).filter(value -> !value.isEmpty());
        if (type == Type.FILE && file.isEmpty()) {
            throw new IllegalArgumentException("t2trewrite.properties: " + FILE + " is required when " + TYPE + "=file");
        }
        Duration pollInterval = values.apply(POLL_INTERVAL).map(DirectoryConfiguration::parseDuration).orElse(Duration.ofSeconds(1));
        return new DirectoryConfiguration(type, file, pollInterval);
    }

    private static Type parseType(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "file":
                return Type.FILE;
            case "graph":
                return Type.GRAPH;
            default:
                throw new IllegalArgumentException("t2trewrite.properties: " + TYPE + " must be 'file' or 'graph', not '" + value + "'");
        }
    }

    /** James's duration grammar ({@link GraphDirectoryConfig#parseDuration}), positive. */
    static Duration parseDuration(String value) {
        Duration duration;
        try {
            duration = GraphDirectoryConfig.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("t2trewrite.properties: " + POLL_INTERVAL + " is not a duration: '" + value + "'", e);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("t2trewrite.properties: " + POLL_INTERVAL + " must be positive, not '" + value + "'");
        }
        return duration;
    }

    public Type type() {
        return type;
    }

    /** The directory file as written in the configuration (a path or a {@code file://} URL). */
    public Optional<String> file() {
        return file;
    }

    public Duration pollInterval() {
        return pollInterval;
    }
}
