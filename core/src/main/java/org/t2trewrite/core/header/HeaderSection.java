package org.t2trewrite.core.header;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The header section of a message (RFC 5322 §2.2), as a list of {@link HeaderField}s that
 * together are exactly the input bytes: {@code parse(x).toBytes()} equals {@code x} for every
 * {@code x}. Lines may end in CRLF or in a bare LF (mail from Unix tools, or stored by a spool
 * that converted line endings); both are kept as they are.
 *
 * <p>Parsing is tolerant and never throws: a line that is neither {@code name:} nor a
 * continuation becomes an opaque field, and a last line without a line ending is kept too.
 * Immutable: the {@code with...} methods return new sections that share the unchanged fields.
 *
 * <p>Does not contain the empty line that separates header and body; {@link #split(byte[])}
 * finds it in a whole message.
 */
public final class HeaderSection {
    private final List<HeaderField> fields;

    private HeaderSection(List<HeaderField> fields) {
        this.fields = fields;
    }

    /**
     * Splits the header section bytes (without the blank separator line) into fields. The bytes
     * are copied once; the fields are views of that copy.
     */
    public static HeaderSection parse(byte[] headerBytes) {
        Objects.requireNonNull(headerBytes, "headerBytes");
        return parseOwned(headerBytes.clone(), 0, headerBytes.length);
    }

    /** Parses {@code bytes[start, end)} without copying: the caller gives up the array. */
    static HeaderSection parseOwned(byte[] bytes, int start, int end) {
        List<HeaderField> fields = new ArrayList<>();
        int position = start;
        while (position < end) {
            int fieldEnd = fieldEnd(bytes, position, end);
            fields.add(HeaderField.slice(bytes, position, fieldEnd - position));
            position = fieldEnd;
        }
        return new HeaderSection(Collections.unmodifiableList(fields));
    }

    static HeaderSection of(List<HeaderField> fields) {
        return new HeaderSection(Collections.unmodifiableList(new ArrayList<>(fields)));
    }

    /** The end (exclusive) of the field starting at {@code start}: its first line plus every following line starting with SP or HTAB. */
    static int fieldEnd(byte[] bytes, int start, int end) {
        int position = lineEnd(bytes, start, end);
        while (position < end && (bytes[position] == ' ' || bytes[position] == '\t')) {
            position = lineEnd(bytes, position, end);
        }
        return position;
    }

    /** The index just after the LF ending the line at {@code start}, or {@code end} when the line has none. */
    static int lineEnd(byte[] bytes, int start, int end) {
        for (int i = start; i < end; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return end;
    }

    /**
     * Finds the end of the header section in a whole message (RFC 5322 §2.1).
     *
     * <ul>
     *   <li>The header ends at the first empty line (CRLF or LF alone); lines before it that are
     *   not fields stay in the header as opaque fields, as in JavaMail and so in James.</li>
     *   <li>With no empty line at all, the header ends before the first line that is neither a
     *   {@code name:} line nor a continuation; that line starts the body and there is no
     *   separator. If every line is a field, the whole message is header and the body is empty.
     *   (JavaMail would take every line as header here; we keep the body a body, and joining
     *   gives the same bytes back either way.)</li>
     * </ul>
     */
    public static MessageSplit split(byte[] message) {
        Objects.requireNonNull(message, "message");
        int end = message.length;
        int position = 0;
        int firstNonField = -1;
        while (position < end) {
            int lineEnd = lineEnd(message, position, end);
            int contentLength = lineEnd - position;
            if (contentLength > 0 && message[lineEnd - 1] == '\n') {
                contentLength--;
                if (contentLength > 0 && message[lineEnd - 2] == '\r') {
                    contentLength--;
                }
            }
            if (contentLength == 0 && lineEnd > position && message[lineEnd - 1] == '\n') {
                return MessageSplit.of(position, lineEnd);
            }
            if (firstNonField < 0 && !startsField(message, position, lineEnd)) {
                firstNonField = position;
            }
            position = lineEnd;
        }
        int headerEnd = firstNonField < 0 ? end : firstNonField;
        return MessageSplit.of(headerEnd, headerEnd);
    }

    private static boolean startsField(byte[] bytes, int start, int lineEnd) {
        boolean continuation = start > 0 && (bytes[start] == ' ' || bytes[start] == '\t');
        return continuation || !HeaderField.slice(bytes, start, lineEnd - start).isOpaque();
    }

    /** All fields, in order. */
    public List<HeaderField> fields() {
        return fields;
    }

    /** The fields with this name (ASCII case-insensitive), in order. Opaque fields have no name and never match. */
    public List<HeaderField> fields(String name) {
        Objects.requireNonNull(name, "name");
        List<HeaderField> matching = new ArrayList<>();
        for (HeaderField field : fields) {
            if (field.hasName(name)) {
                matching.add(field);
            }
        }
        return Collections.unmodifiableList(matching);
    }

    /** A section with the field at {@code index} of {@link #fields()} replaced. */
    public HeaderSection withField(int index, HeaderField replacement) {
        Objects.requireNonNull(replacement, "replacement");
        Objects.checkIndex(index, fields.size());
        List<HeaderField> copy = new ArrayList<>(fields);
        copy.set(index, replacement);
        return new HeaderSection(Collections.unmodifiableList(copy));
    }

    /** A section without the fields that match (e.g. our own earlier DKIM signatures). */
    public HeaderSection without(Predicate<HeaderField> unwanted) {
        Objects.requireNonNull(unwanted, "unwanted");
        List<HeaderField> kept = new ArrayList<>(fields.size());
        for (HeaderField field : fields) {
            if (!unwanted.test(field)) {
                kept.add(field);
            }
        }
        return kept.size() == fields.size() ? this : new HeaderSection(Collections.unmodifiableList(kept));
    }

    /** A section with {@code field} in front (where RFC 6376 §5.6 and RFC 5321 trace fields go). */
    public HeaderSection prepend(HeaderField field) {
        Objects.requireNonNull(field, "field");
        List<HeaderField> copy = new ArrayList<>(fields.size() + 1);
        copy.add(field);
        copy.addAll(fields);
        return new HeaderSection(Collections.unmodifiableList(copy));
    }

    /**
     * A section with {@code field} at the end (e.g. a MIME field a part lacked).
     *
     * @throws IllegalStateException when the last field has no line ending: the new field would
     *         continue its line and the bytes would no longer parse back into these fields
     */
    public HeaderSection append(HeaderField field) {
        Objects.requireNonNull(field, "field");
        if (!fields.isEmpty() && fields.get(fields.size() - 1).lineEnding().isEmpty()) {
            throw new IllegalStateException("cannot append " + field + " after a last field without a line ending: "
                + fields.get(fields.size() - 1));
        }
        List<HeaderField> copy = new ArrayList<>(fields.size() + 1);
        copy.addAll(fields);
        copy.add(field);
        return new HeaderSection(Collections.unmodifiableList(copy));
    }

    /**
     * The line ending this section uses, taken from its first field that has one: {@code "\n"}
     * for bare-LF mail, else {@code "\r\n"}. Fields added to the section should use it.
     */
    public String lineEnding() {
        for (HeaderField field : fields) {
            String ending = field.lineEnding();
            if (!ending.isEmpty()) {
                return ending;
            }
        }
        return "\r\n";
    }

    /** The number of bytes {@link #toBytes()} returns. */
    public int length() {
        int total = 0;
        for (HeaderField field : fields) {
            total += field.length();
        }
        return total;
    }

    /** The fields' bytes, concatenated: the input of {@link #parse(byte[])} when nothing changed. */
    public byte[] toBytes() {
        byte[] bytes = new byte[length()];
        int position = 0;
        for (HeaderField field : fields) {
            field.copyInto(bytes, position);
            position += field.length();
        }
        return bytes;
    }

    public void writeTo(OutputStream out) throws IOException {
        for (HeaderField field : fields) {
            field.writeTo(out);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderSection && ((HeaderSection) o).fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return "HeaderSection" + fields;
    }
}
