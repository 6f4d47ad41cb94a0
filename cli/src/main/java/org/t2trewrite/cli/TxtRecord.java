package org.t2trewrite.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A DNS TXT record value as character-strings: RFC 1035 §3.3 limits each to 255 octets, and a
 * DKIM key record longer than that is published as several strings that verifiers concatenate
 * (RFC 6376 §3.6.2.2).
 */
final class TxtRecord {
    static final int MAX_STRING = 255;

    private TxtRecord() {
    }

    /** The value cut into strings of at most 255 octets (ASCII: one octet per character). */
    static List<String> split(String value) {
        byte[] ascii = value.getBytes(StandardCharsets.US_ASCII);
        List<String> strings = new ArrayList<>();
        for (int start = 0; start < ascii.length; start += MAX_STRING) {
            strings.add(new String(ascii, start, Math.min(MAX_STRING, ascii.length - start), StandardCharsets.US_ASCII));
        }
        return strings;
    }

    /** A zone-file line: {@code name. IN TXT ( "..." "..." )}. */
    static String zoneLine(String name, String value) {
        StringBuilder line = new StringBuilder(name).append(". IN TXT (");
        for (String string : split(value)) {
            line.append(" \"").append(string).append('"');
        }
        return line.append(" )").toString();
    }
}
