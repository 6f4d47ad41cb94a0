package org.t2trewrite.core.header;

import java.util.Arrays;
import java.util.Objects;

/**
 * Where a whole message's header section ends and its body starts, as offsets found by
 * {@link HeaderSection#split(byte[])}. Holds no bytes: apply it to the same message array.
 * The bytes between {@link #headerEnd()} and {@link #bodyOffset()} are the separator line
 * (CRLF, LF, or nothing when the message had no empty line), and {@link #join} keeps them.
 */
public final class MessageSplit {
    private final int headerEnd;
    private final int bodyOffset;

    private MessageSplit(int headerEnd, int bodyOffset) {
        this.headerEnd = headerEnd;
        this.bodyOffset = bodyOffset;
    }

    static MessageSplit of(int headerEnd, int bodyOffset) {
        if (headerEnd < 0 || bodyOffset < headerEnd) {
            throw new IllegalArgumentException("bad split: header end " + headerEnd + ", body offset " + bodyOffset);
        }
        return new MessageSplit(headerEnd, bodyOffset);
    }

    /** The length of the header section: the index just after its last field's line ending. */
    public int headerEnd() {
        return headerEnd;
    }

    /** The index of the first body byte (the message length when the body is empty). */
    public int bodyOffset() {
        return bodyOffset;
    }

    /** True when an empty line separated header and body. */
    public boolean hasSeparator() {
        return bodyOffset > headerEnd;
    }

    /** The header section of {@code message}. */
    public HeaderSection header(byte[] message) {
        check(message);
        return HeaderSection.parseOwned(Arrays.copyOf(message, headerEnd), 0, headerEnd);
    }

    /** A new message: {@code header}'s bytes, then the separator and body of {@code message}, unchanged. */
    public byte[] join(HeaderSection header, byte[] message) {
        Objects.requireNonNull(header, "header");
        check(message);
        int headerLength = header.length();
        byte[] joined = new byte[headerLength + message.length - headerEnd];
        int position = 0;
        for (HeaderField field : header.fields()) {
            field.copyInto(joined, position);
            position += field.length();
        }
        System.arraycopy(message, headerEnd, joined, headerLength, message.length - headerEnd);
        return joined;
    }

    private void check(byte[] message) {
        Objects.requireNonNull(message, "message");
        if (message.length < bodyOffset) {
            throw new IllegalArgumentException("message of " + message.length + " bytes is shorter than this split ("
                + bodyOffset + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageSplit && ((MessageSplit) o).headerEnd == headerEnd
            && ((MessageSplit) o).bodyOffset == bodyOffset;
    }

    @Override
    public int hashCode() {
        return 31 * headerEnd + bodyOffset;
    }

    @Override
    public String toString() {
        return "MessageSplit{headerEnd=" + headerEnd + ", bodyOffset=" + bodyOffset + "}";
    }
}
