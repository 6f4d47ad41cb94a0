package org.t2trewrite.core.header;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One header field exactly as it was written: the first line, its continuation lines (RFC 5322
 * §2.2.3 folding) and the final line ending, byte for byte.
 *
 * <p>A field whose first line is not {@code name:} is <em>opaque</em>: its name is empty, it
 * is kept and written back unchanged, and no lookup by name finds it. Mail in the wild carries
 * such lines (an mbox {@code From } line, a broken client's stray text), and a relay must not
 * drop them.
 *
 * <p>Does not unfold, decode RFC 2047 words or interpret the value: {@link #value()} is for
 * parsers, and the bytes are the truth.
 */
public final class HeaderField {
    private final byte[] buffer;
    private final int offset;
    private final int length;
    private final String name;
    /** Offset of the first byte after the colon, relative to {@link #offset}; 0 for opaque fields. */
    private final int valueStart;

    private HeaderField(byte[] buffer, int offset, int length, String name, int valueStart) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.name = name;
        this.valueStart = valueStart;
    }

    /**
     * Parses exactly one field ({@code name:} line plus continuation lines) ending in CRLF or LF.
     * For building fields to insert (e.g. a DKIM signature); mail input goes through
     * {@link HeaderSection#parse(byte[])}, which is tolerant.
     *
     * @throws IllegalArgumentException when the bytes are not one complete named field
     */
    public static HeaderField parse(byte[] fieldBytes) {
        Objects.requireNonNull(fieldBytes, "fieldBytes");
        byte[] copy = fieldBytes.clone();
        int length = copy.length;
        if (length == 0 || copy[length - 1] != '\n') {
            throw new IllegalArgumentException("a header field must end with CRLF or LF: '" + preview(copy) + "'");
        }
        int end = HeaderSection.fieldEnd(copy, 0, length);
        if (end != length) {
            throw new IllegalArgumentException("more than one header field (or a line that is not a"
                + " continuation) in '" + preview(copy) + "'");
        }
        HeaderField field = slice(copy, 0, length);
        if (field.isOpaque()) {
            throw new IllegalArgumentException("not a 'name: value' header field: '" + preview(copy) + "'");
        }
        return field;
    }

    /** A field over {@code buffer[offset, offset + length)}; the buffer is shared, never written. */
    static HeaderField slice(byte[] buffer, int offset, int length) {
        int nameEnd = offset;
        int end = offset + length;
        while (nameEnd < end && isFieldNameByte(buffer[nameEnd])) {
            nameEnd++;
        }
        int colon = nameEnd;
        // obs-optional (RFC 5322 §4.5): whitespace may precede the colon.
        while (colon < end && (buffer[colon] == ' ' || buffer[colon] == '\t')) {
            colon++;
        }
        if (nameEnd == offset || colon >= end || buffer[colon] != ':') {
            return new HeaderField(buffer, offset, length, "", 0);
        }
        String name = new String(buffer, offset, nameEnd - offset, StandardCharsets.US_ASCII);
        return new HeaderField(buffer, offset, length, name, colon + 1 - offset);
    }

    /** RFC 5322 §3.6.8 ftext: printable US-ASCII except colon. */
    private static boolean isFieldNameByte(byte b) {
        return b >= 33 && b <= 126 && b != ':';
    }

    /** The field name as written (case kept); empty for an opaque field. */
    public String name() {
        return name;
    }

    /** True when this field's name equals {@code other}, ignoring ASCII case. */
    public boolean hasName(String other) {
        return !name.isEmpty() && name.equalsIgnoreCase(other);
    }

    /** True when the first line was not {@code name:}; such a field is only carried along. */
    public boolean isOpaque() {
        return name.isEmpty();
    }

    /** A copy of the whole field: name, value, folding and final line ending. */
    public byte[] rawBytes() {
        return Arrays.copyOfRange(buffer, offset, offset + length);
    }

    /** The number of bytes of the whole field. */
    public int length() {
        return length;
    }

    /**
     * The value (everything after the colon, folding kept, final line ending removed), decoded as
     * UTF-8 when the bytes are valid UTF-8 (RFC 6532) and as ISO-8859-1 otherwise, so that every
     * byte maps to one character. For parsing and display only: never write this back.
     * For an opaque field, the whole line(s) without the final line ending.
     */
    public String value() {
        int start = offset + valueStart;
        int end = offset + length - lineEndingLength();
        return decode(buffer, start, Math.max(start, end));
    }

    /**
     * The value's bytes exactly as written: everything after the colon, folding kept, final line
     * ending removed (the bytes {@link #value()} decodes). For byte-level work where decoding
     * would lose the original bytes: DKIM canonicalisation (RFC 6376 §3.4), or a MIME boundary
     * that must match body bytes (RFC 2046 §5.1.1). For an opaque field, the whole line(s)
     * without the final line ending.
     */
    public byte[] valueBytes() {
        int start = offset + valueStart;
        int end = offset + length - lineEndingLength();
        return Arrays.copyOfRange(buffer, start, Math.max(start, end));
    }

    /** The final line ending of the field: {@code "\r\n"}, {@code "\n"} or (last line of input) empty. */
    public String lineEnding() {
        int ending = lineEndingLength();
        return ending == 2 ? "\r\n" : ending == 1 ? "\n" : "";
    }

    private int lineEndingLength() {
        int end = offset + length;
        if (length > 0 && buffer[end - 1] == '\n') {
            return length > 1 && buffer[end - 2] == '\r' ? 2 : 1;
        }
        return 0;
    }

    /** Writes the field's bytes, unchanged. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(buffer, offset, length);
    }

    void copyInto(byte[] target, int targetOffset) {
        System.arraycopy(buffer, offset, target, targetOffset, length);
    }

    byte[] buffer() {
        return buffer;
    }

    int offset() {
        return offset;
    }

    /** Absolute index in {@link #buffer()} of the first value byte. */
    int valueOffset() {
        return offset + valueStart;
    }

    /** Absolute index in {@link #buffer()} just after the field. */
    int endOffset() {
        return offset + length;
    }

    static String decode(byte[] bytes, int start, int end) {
        boolean ascii = true;
        for (int i = start; i < end; i++) {
            if (bytes[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, start, end - start, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, start, end - start))
                .toString();
        } catch (CharacterCodingException e) {
            // Legacy 8-bit header (not RFC 6532): one character per byte keeps offsets meaningful.
            return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
        }
    }

    private static String preview(byte[] bytes) {
        String text = decode(bytes, 0, Math.min(bytes.length, 80));
        return text.replace("\r", "\\r").replace("\n", "\\n");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof HeaderField)) {
            return false;
        }
        HeaderField other = (HeaderField) o;
        return Arrays.equals(buffer, offset, offset + length, other.buffer, other.offset, other.offset + other.length);
    }

    @Override
    public int hashCode() {
        int hash = 1;
        for (int i = offset; i < offset + length; i++) {
            hash = 31 * hash + buffer[i];
        }
        return hash;
    }

    @Override
    public String toString() {
        String text = decode(buffer, offset, offset + length);
        return text.replace("\r", "\\r").replace("\n", "\\n");
    }
}
