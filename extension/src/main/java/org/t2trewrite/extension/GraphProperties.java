package org.t2trewrite.extension;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.commons.configuration2.Configuration;
import org.t2trewrite.graph.GraphDirectoryConfig;

/**
 * The {@code graph.*} keys of {@code conf/t2trewrite.properties} as James 3.8.1 loaded them, turned back
 * into the plain strings {@link GraphDirectoryConfig#from(Map)} validates.
 *
 * <p>Why not {@code getString}: James's {@code PropertiesProvider} splits every value at commas
 * ({@code DefaultListDelimiterHandler(',')}), and {@code getString} then answers the first element
 * only, so {@code graph.source.domains=a.example, b.example} would silently lose {@code b.example}.
 * A {@code .domains} key and the {@code graph.exceptions.*} keys are comma-separated lists anyway: their
 * elements are joined again. In any
 * other key a comma is an error (a group display name, a path) rather than a value cut short;
 * James's escape {@code \,} keeps a comma in a value.
 *
 * <p>Does not validate the keys or values themselves: {@link GraphDirectoryConfig} does.
 */
final class GraphProperties {
    private static final String LIST_SUFFIX = "." + GraphDirectoryConfig.DOMAINS;
    private static final Set<String> LIST_KEYS = Set.of(GraphDirectoryConfig.EXCEPTIONS_SENDERS,
        GraphDirectoryConfig.EXCEPTIONS_RECIPIENTS, GraphDirectoryConfig.EXCEPTIONS_DOMAINS);

    private GraphProperties() {
    }

    /**
     * @throws IllegalArgumentException naming the key when James split a value that is not a list
     */
    static Map<String, String> from(Configuration configuration) {
        Map<String, String> keys = new HashMap<>();
        String prefix = GraphDirectoryConfig.PREFIX.substring(0, GraphDirectoryConfig.PREFIX.length() - 1);
        configuration.getKeys(prefix).forEachRemaining(key -> {
            if (key.endsWith(LIST_SUFFIX) || LIST_KEYS.contains(key)) {
                keys.put(key, String.join(",", PropertyValues.list(configuration, key)));
            } else {
                PropertyValues.single(configuration, key).ifPresent(value -> keys.put(key, value));
            }
        });
        return keys;
    }
}
