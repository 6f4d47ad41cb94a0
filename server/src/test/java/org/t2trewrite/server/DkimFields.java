package org.t2trewrite.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code DKIM-Signature} fields of a delivered message, read from its header section as
 * text: each one's tags (RFC 6376 §3.2 tag-list, folding whitespace removed) and a short label
 * {@code d=... s=... a=...} for assertions. Does not verify anything: see the dkim module's
 * {@code Verifiers}.
 */
final class DkimFields {
    private static final String NAME = "dkim-signature:";

    private DkimFields() {
    }

    /** The tags of every {@code DKIM-Signature} field, in header order. */
    static List<Map<String, String>> of(byte[] message) {
        String text = Messages.text(message);
        int end = text.indexOf("\r\n\r\n");
        String header = end < 0 ? text : text.substring(0, end + 2);
        // RFC 5322 §2.2.3 unfolding: a line break followed by white space continues the field.
        String unfolded = header.replaceAll("\r\n(?=[ \t])", "");
        List<Map<String, String>> signatures = new ArrayList<>();
        for (String line : unfolded.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(NAME)) {
                signatures.add(tags(line.substring(NAME.length())));
            }
        }
        return signatures;
    }

    /** {@code d=... s=... a=...} of every signature, in header order. */
    static List<String> labels(byte[] message) {
        List<String> labels = new ArrayList<>();
        for (Map<String, String> tags : of(message)) {
            labels.add("d=" + tags.get("d") + " s=" + tags.get("s") + " a=" + tags.get("a"));
        }
        return labels;
    }

    private static Map<String, String> tags(String value) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String tag : value.split(";")) {
            int equals = tag.indexOf('=');
            if (equals > 0) {
                tags.put(tag.substring(0, equals).trim(), tag.substring(equals + 1).replaceAll("[ \t]", ""));
            }
        }
        return tags;
    }
}
