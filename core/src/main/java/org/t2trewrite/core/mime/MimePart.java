package org.t2trewrite.core.mime;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;

/**
 * One leaf part found by {@link MimeTree}: where its header section and body lie in the
 * message body, and the MIME fields a rewrite needs, parsed.
 *
 * <p>Offsets index the body array given to {@link MimeTree#of}. The body span excludes the
 * line ending that belongs to the next boundary delimiter (RFC 2046 §5.1.1). For the message's
 * own body (a message that is not multipart) the header is the message header, which lies
 * outside the body array: then {@link #headerStart()} and {@link #headerEnd()} are both 0 and
 * {@link #isMessageBody()} is true.
 */
public final class MimePart {
    private final String path;
    private final HeaderSection header;
    private final int headerStart;
    private final int headerEnd;
    private final int bodyStart;
    private final int bodyEnd;
    private final boolean messageBody;
    private final ContentType contentType;
    private final String transferEncoding;
    private final Optional<String> filename;

    private MimePart(String path, HeaderSection header, int headerStart, int headerEnd, int bodyStart, int bodyEnd,
                     boolean messageBody, ContentType contentType) {
        this.path = path;
        this.header = header;
        this.headerStart = headerStart;
        this.headerEnd = headerEnd;
        this.bodyStart = bodyStart;
        this.bodyEnd = bodyEnd;
        this.messageBody = messageBody;
        this.contentType = contentType;
        this.transferEncoding = firstValue(header, "Content-Transfer-Encoding")
            .map(value -> value.trim().toLowerCase(Locale.ROOT))
            .filter(value -> !value.isEmpty())
            .orElse("7bit");
        this.filename = firstValue(header, "Content-Disposition")
            .flatMap(value -> ContentType.parameterOf(value, "filename"));
    }

    static MimePart of(String path, HeaderSection header, int headerStart, int headerEnd, int bodyStart, int bodyEnd,
                       boolean messageBody, ContentType contentType) {
        return new MimePart(path, header, headerStart, headerEnd, bodyStart, bodyEnd, messageBody, contentType);
    }

    /** The value of the first field named {@code name}, read as ISO-8859-1 so that every byte stays one character (boundaries must match body bytes). */
    static Optional<String> firstValue(HeaderSection header, String name) {
        for (HeaderField field : header.fields(name)) {
            return Optional.of(new String(field.valueBytes(), StandardCharsets.ISO_8859_1));
        }
        return Optional.empty();
    }

    /** IMAP part number (RFC 3501 §6.4.5): {@code 1} for a single-part message, {@code 2.1} for the first child of the second part. */
    public String path() {
        return path;
    }

    /** The part's header section (the message header for {@link #isMessageBody()}). */
    public HeaderSection header() {
        return header;
    }

    public int headerStart() {
        return headerStart;
    }

    /** The index just after the header section (before the empty separator line). */
    public int headerEnd() {
        return headerEnd;
    }

    public int bodyStart() {
        return bodyStart;
    }

    /** The index just after the body. */
    public int bodyEnd() {
        return bodyEnd;
    }

    /** True for the body of a message that is not multipart: its header is the message header. */
    public boolean isMessageBody() {
        return messageBody;
    }

    public ContentType contentType() {
        return contentType;
    }

    /** Content-Transfer-Encoding, trimmed and lower-cased; {@code 7bit} when absent (RFC 2045 §6.1). */
    public String transferEncoding() {
        return transferEncoding;
    }

    /** Content-Disposition's {@code filename} parameter. */
    public Optional<String> filename() {
        return filename;
    }

    /** {@code part 2.1 text/calendar}: where, for problems and logs. */
    public String describe() {
        return "part " + path + " " + contentType.mediaType();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MimePart)) {
            return false;
        }
        MimePart other = (MimePart) o;
        return path.equals(other.path) && headerStart == other.headerStart && headerEnd == other.headerEnd
            && bodyStart == other.bodyStart && bodyEnd == other.bodyEnd && messageBody == other.messageBody
            && header.equals(other.header);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, headerStart, bodyStart, bodyEnd);
    }

    @Override
    public String toString() {
        return describe() + " [" + headerStart + "," + headerEnd + ") [" + bodyStart + "," + bodyEnd + ") " + transferEncoding;
    }
}
