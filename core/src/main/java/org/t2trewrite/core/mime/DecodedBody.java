package org.t2trewrite.core.mime;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TransferCodec#decode} found: either the decoded content and the style to encode
 * changed content in, or why the body could not be decoded. A closed result: check
 * {@link #failure()} before asking for {@link #content()}.
 */
public final class DecodedBody {
    private enum Style { IDENTITY, BASE64, QUOTED_PRINTABLE, FAILED }

    private final Style style;
    private final byte[] content;
    private final String failure;
    private final int lineLength;
    private final String lineEnding;
    private final byte[] trailer;

    private DecodedBody(Style style, byte[] content, String failure, int lineLength, String lineEnding, byte[] trailer) {
        this.style = style;
        this.content = content;
        this.failure = failure;
        this.lineLength = lineLength;
        this.lineEnding = lineEnding;
        this.trailer = trailer;
    }

    static DecodedBody identity(byte[] content) {
        return new DecodedBody(Style.IDENTITY, content, null, 0, "", new byte[0]);
    }

    static DecodedBody base64(byte[] content, int lineLength, String lineEnding, byte[] trailer) {
        return new DecodedBody(Style.BASE64, content, null, lineLength, lineEnding, trailer);
    }

    static DecodedBody quotedPrintable(byte[] content, String lineEnding, int width) {
        return new DecodedBody(Style.QUOTED_PRINTABLE, content, null, width, lineEnding, new byte[0]);
    }

    static DecodedBody failed(String reason) {
        return new DecodedBody(Style.FAILED, null, Objects.requireNonNull(reason, "reason"), 0, "", new byte[0]);
    }

    /** Why the body could not be decoded; empty when it was. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * The decoded bytes (for identity encodings, the very array given to decode; a copy is
     * the caller's business).
     *
     * @throws IllegalStateException when decoding failed
     */
    public byte[] content() {
        check();
        return content;
    }

    /**
     * {@code newContent} encoded in the style the body was found in (see {@link TransferCodec}).
     *
     * @throws IllegalStateException when decoding failed
     */
    public byte[] encode(byte[] newContent) {
        check();
        Objects.requireNonNull(newContent, "newContent");
        switch (style) {
            case BASE64:
                return TransferCodec.encodeBase64(newContent, lineLength, lineEnding, trailer);
            case QUOTED_PRINTABLE:
                return TransferCodec.encodeQuotedPrintable(newContent, lineEnding, lineLength);
            default:
                return newContent;
        }
    }

    private void check() {
        if (style == Style.FAILED) {
            throw new IllegalStateException("body was not decoded: " + failure);
        }
    }

    @Override
    public String toString() {
        return style == Style.FAILED ? "DecodedBody{failed: " + failure + "}"
            : "DecodedBody{" + style + ", " + content.length + " bytes, line " + lineLength + "}";
    }
}
