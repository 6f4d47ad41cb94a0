package org.t2trewrite.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.google.common.collect.ImmutableList;

/**
 * One field of a header section, as bytes: its name line and every continuation (folded) line,
 * each with its own line ending, exactly as they were. {@link #parse} splits a header section
 * into fields and {@link #join} puts them back byte for byte.
 *
 * <p>Does not decode anything (RFC 2047 words, 8-bit bytes stay as they are). A line without a
 * colon, or a continuation line with no field before it, becomes a field with an empty name that
 * matches no name: it is carried, never dropped.
 */
final class HeaderField {
    private final String name;
    private final byte[] raw;

    private HeaderField(String name, byte[] raw) {
        this.name = name;
        this.raw = raw;
    }

    static HeaderField of(byte[] raw) {
        return new HeaderField(nameOf(raw), raw.clone());
    }

    /** Splits a header section (without the blank line that ends it) into its fields. */
    static List<HeaderField> parse(byte[] section) {
        List<HeaderField> fields = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < section.length) {
            int lineEnd = endOfLine(section, i);
            boolean nextContinues = lineEnd < section.length && (section[lineEnd] == ' ' || section[lineEnd] == '\t');
            if (!nextContinues) {
                fields.add(of(Arrays.copyOfRange(section, start, lineEnd)));
                start = lineEnd;
            }
            i = lineEnd;
        }
        return fields;
    }

    /** Index just after the line ending (CRLF, LF or CR) of the line starting at {@code from}. */
    private static int endOfLine(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
            if (bytes[i] == '\r') {
                return i + 1 < bytes.length && bytes[i + 1] == '\n' ? i + 2 : i + 1;
            }
        }
        return bytes.length;
    }

    static byte[] join(List<HeaderField> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (HeaderField field : fields) {
            out.writeBytes(field.raw);
        }
        return out.toByteArray();
    }

    private static String nameOf(byte[] raw) {
        if (raw.length == 0 || raw[0] == ' ' || raw[0] == '\t') {
            return "";
        }
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == ':') {
                return new String(raw, 0, i, StandardCharsets.ISO_8859_1).trim().toLowerCase(Locale.ROOT);
            }
            if (raw[i] == '\r' || raw[i] == '\n') {
                break;
            }
        }
        return "";
    }

    /** The field name, lower-cased; empty for a line that is not a field. */
    String name() {
        return name;
    }

    boolean hasName(String other) {
        return !name.isEmpty() && name.equalsIgnoreCase(other);
    }

    byte[] raw() {
        return raw.clone();
    }

    /** The bytes after the colon, line endings of folded lines included, the final one excluded. */
    byte[] value() {
        int colon = indexOf(raw, (byte) ':');
        int end = raw.length;
        while (end > colon + 1 && (raw[end - 1] == '\n' || raw[end - 1] == '\r')) {
            end--;
        }
        return Arrays.copyOfRange(raw, colon + 1, end);
    }

    String valueAsString() {
        return new String(value(), StandardCharsets.ISO_8859_1);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The fields named {@code name}, in order. */
    static List<HeaderField> named(List<HeaderField> fields, String name) {
        ImmutableList.Builder<HeaderField> matching = ImmutableList.builder();
        for (HeaderField field : fields) {
            if (field.hasName(name)) {
                matching.add(field);
            }
        }
        return matching.build();
    }

    @Override
    public String toString() {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }
}
