package org.t2trewrite.dkim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.google.common.collect.ImmutableMap;

/**
 * An RFC 6376 §3.2 tag-list ({@code name=value; name=value}), as DKIM-Signature, ARC-Seal,
 * ARC-Message-Signature and DKIM key records carry it: names lower-cased, values with their
 * surrounding whitespace removed. {@code b}, {@code bh}, {@code h} and {@code p} values lose every
 * whitespace inside too (folding whitespace is allowed there and means nothing).
 *
 * <p>Does not check which tags are required: the readers do.
 */
final class TagList {
    private final Map<String, String> tags;

    private TagList(Map<String, String> tags) {
        this.tags = tags;
    }

    /**
     * @throws IllegalArgumentException for a tag without {@code =}, an empty name, or a name given
     *         twice (§3.2: "Tags with duplicate names MUST NOT occur")
     */
    static TagList parse(String value) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : value.split(";", -1)) {
            if (spec.trim().isEmpty()) {
                continue;
            }
            int equals = spec.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("tag '" + spec.trim() + "' has no '='");
            }
            String name = spec.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a tag has no name");
            }
            String tagValue = spec.substring(equals + 1);
            tagValue = name.equals("b") || name.equals("bh") || name.equals("h") || name.equals("p")
                ? tagValue.replaceAll("[ \\t\\r\\n]", "") : tagValue.trim();
            if (tags.put(name, tagValue) != null) {
                throw new IllegalArgumentException("tag '" + name + "' given twice");
            }
        }
        return new TagList(ImmutableMap.copyOf(tags));
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name));
    }

    /** @throws IllegalArgumentException naming the tag when it is absent */
    String require(String name) {
        String value = tags.get(name);
        if (value == null) {
            throw new IllegalArgumentException("tag " + name + "= is missing");
        }
        return value;
    }

    boolean has(String name) {
        return tags.containsKey(name);
    }
}
