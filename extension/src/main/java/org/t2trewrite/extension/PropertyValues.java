package org.t2trewrite.extension;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.Configuration;

/**
 * Values of a properties file as James 3.8.1's {@code PropertiesProvider} loaded them, back as the
 * strings the operator wrote.
 *
 * <p>Why not {@code getString}: {@code PropertiesProvider} splits every value at commas
 * ({@code DefaultListDelimiterHandler(',')}) and {@code getString} answers the first element only,
 * so a value with a comma would silently be cut short. A single value with a comma is rejected
 * instead, naming the key; James's escape {@code \,} keeps a comma in a value.
 */
final class PropertyValues {
    private PropertyValues() {
    }

    /** The elements James split the value into (the two-argument getList: the other splits "\," again). */
    static List<String> list(Configuration configuration, String key) {
        return configuration.getList(key, List.of()).stream().map(String::valueOf).collect(Collectors.toList());
    }

    /**
     * @throws IllegalArgumentException naming the key when James split the value at a comma
     */
    static Optional<String> single(Configuration configuration, String key) {
        List<String> values = list(configuration, key);
        if (values.size() > 1) {
            throw new IllegalArgumentException("t2trewrite.properties: " + key + " has a comma in '"
                + String.join(", ", values) + "' (James splits values at commas): write it as \\,");
        }
        return values.stream().findFirst();
    }
}
