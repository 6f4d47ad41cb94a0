package org.t2trewrite.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.MessageSplit;

/**
 * Gives every MIME part labelled {@code Content-Transfer-Encoding: 8bit} a 7-bit transfer
 * encoding, at byte level, so that a DKIM signature made afterwards survives a hop without
 * 8BITMIME. RFC 6376 §5.3: signers SHOULD convert to quoted-printable or base64 before signing.
 *
 * <p>Why: when the next hop lacks 8BITMIME, James's RemoteDelivery (3.8.1
 * {@code MailDelivrerToHost.adaptToTransport} → {@code Converter7Bit}) re-encodes every part
 * labelled exactly {@code 8bit} (text as quoted-printable, the rest as base64). For a single-part
 * message this changes the body and breaks any signature over it (measured by
 * {@code DkimSignRewrittenTest}); for a multipart, James 3.8.1's {@code MimeMessageWrapper}
 * happens to stream the original body bytes anyway. After this conversion no part is labelled
 * {@code 8bit}, so RemoteDelivery changes no body byte, whichever peer it meets.
 *
 * <p>What it changes: an {@code 8bit} leaf part whose content is already 7-bit (no byte over 127,
 * no NUL, no line over 998 octets) is only relabelled {@code 7bit}; any other {@code 8bit} leaf
 * is encoded, {@code text/*} as quoted-printable (RFC 2045 §6.7) and anything else as base64
 * (§6.8), and its label replaced in place. A multipart or message/rfc822 labelled {@code 8bit}
 * is relabelled {@code 7bit} once its content has become 7-bit. Decoded content is unchanged.
 * Nothing else moves: other header fields, preambles, epilogues and delimiters keep their bytes.
 *
 * <p>What it does not do: it leaves {@code binary} parts, 8-bit bytes in parts that claim
 * {@code 7bit} or no encoding at all (RemoteDelivery does not touch those either) and 8-bit
 * header bytes alone. A multipart whose delimiters cannot be found for certain (no boundary
 * parameter, no closing delimiter) is left whole rather than guessed at: a relay is not a
 * validator. Input lines must end in CRLF.
 */
final class SevenBitConverter {
    private static final Pattern BOUNDARY = Pattern.compile(
        "(?i)(?:^|;)\\s*boundary\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]+))");
    private static final byte[] CRLF = {'\r', '\n'};
    private static final int QP_LINE = 76;
    private static final int SMTP_LINE = 998;

    /** A header section and a body. */
    static final class Entity {
        private final HeaderSection fields;
        private final byte[] body;

        Entity(HeaderSection fields, byte[] body) {
            this.fields = fields;
            this.body = body;
        }

        HeaderSection fields() {
            return fields;
        }

        byte[] body() {
            return body;
        }
    }

    private SevenBitConverter() {
    }

    /** The message with its {@code 8bit} parts made 7-bit, or empty when nothing needed to change. */
    static Optional<Entity> convert(HeaderSection fields, byte[] body) {
        return convert(new Entity(fields, body), "text/plain");
    }

    private static Optional<Entity> convert(Entity entity, String defaultType) {
        String encoding = transferEncoding(entity.fields);
        String type = mediaType(entity.fields).orElse(defaultType);
        boolean eightBitLabel = encoding.equals("8bit");
        if (type.startsWith("multipart/")) {
            Optional<byte[]> body = boundary(entity.fields)
                .flatMap(boundary -> convertMultipart(entity.body, boundary,
                    type.equals("multipart/digest") ? "message/rfc822" : "text/plain"));
            return composite(entity, eightBitLabel, body);
        }
        if (type.equals("message/rfc822") || type.equals("message/global")) {
            // An embedded message: its own header section, blank line, body.
            return composite(entity, eightBitLabel, convertEntity(entity.body, "text/plain"));
        }
        if (!eightBitLabel) {
            return Optional.empty();
        }
        if (isSevenBit(entity.body)) {
            return Optional.of(new Entity(relabel(entity.fields, "7bit"), entity.body));
        }
        if (type.startsWith("text/")) {
            return Optional.of(new Entity(relabel(entity.fields, "quoted-printable"), quotedPrintable(entity.body)));
        }
        return Optional.of(new Entity(relabel(entity.fields, "base64"), base64(entity.body)));
    }

    private static Optional<Entity> composite(Entity entity, boolean eightBitLabel, Optional<byte[]> newBody) {
        byte[] body = newBody.orElse(entity.body);
        if (eightBitLabel) {
            // RFC 2045 §6.4: a composite is 7bit when all it contains is; otherwise keep it whole.
            return isSevenBit(body) ? Optional.of(new Entity(relabel(entity.fields, "7bit"), body)) : Optional.empty();
        }
        return newBody.map(converted -> new Entity(entity.fields, converted));
    }

    /**
     * A header section, the CRLF blank line that ends it, and a body: converted, or empty when
     * nothing changed or there is no blank line (then where the header ends is not certain).
     */
    private static Optional<byte[]> convertEntity(byte[] content, String defaultType) {
        MessageSplit split = HeaderSection.split(content);
        if (split.bodyOffset() - split.headerEnd() != CRLF.length) {
            return Optional.empty();
        }
        Entity entity = new Entity(split.header(content), Arrays.copyOfRange(content, split.bodyOffset(), content.length));
        return convert(entity, defaultType)
            .map(converted -> concat(converted.fields.toBytes(), CRLF, converted.body));
    }

    /** RFC 2046 §5.1.1; empty when the structure is not certain or no part changed. */
    private static Optional<byte[]> convertMultipart(byte[] body, String boundary, String childDefault) {
        byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<int[]> delimiters = new ArrayList<>();
        boolean closed = false;
        for (int line = 0; line < body.length && !closed; line = nextLine(body, line)) {
            if (startsWith(body, line, dashBoundary)) {
                int after = line + dashBoundary.length;
                boolean close = startsWith(body, after, new byte[] {'-', '-'});
                int rest = close ? after + 2 : after;
                if (onlyWhitespaceToLineEnd(body, rest)) {
                    delimiters.add(new int[] {line, nextLine(body, line)});
                    closed = close;
                }
            }
        }
        if (!closed || delimiters.size() < 2) {
            return Optional.empty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + body.length / 3);
        int copied = 0;
        boolean changed = false;
        for (int d = 0; d + 1 < delimiters.size(); d++) {
            int partStart = delimiters.get(d)[1];
            // The CRLF before a delimiter belongs to the delimiter, not to the part.
            int partEnd = Math.max(partStart, delimiters.get(d + 1)[0] - CRLF.length);
            Optional<byte[]> part = convertEntity(Arrays.copyOfRange(body, partStart, partEnd), childDefault);
            if (part.isPresent()) {
                out.write(body, copied, partStart - copied);
                out.writeBytes(part.get());
                copied = partEnd;
                changed = true;
            }
        }
        if (!changed) {
            return Optional.empty();
        }
        out.write(body, copied, body.length - copied);
        return Optional.of(out.toByteArray());
    }

    private static int nextLine(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i + 2;
            }
        }
        return bytes.length;
    }

    private static boolean onlyWhitespaceToLineEnd(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                return true;
            }
            if (bytes[i] != ' ' && bytes[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
        if (at + prefix.length > bytes.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static String transferEncoding(HeaderSection fields) {
        List<HeaderField> cte = fields.fields("content-transfer-encoding");
        if (cte.isEmpty()) {
            return "";
        }
        return withoutComments(unfold(latin1Value(cte.get(0)))).trim().toLowerCase(Locale.ROOT);
    }

    static Optional<String> mediaType(HeaderSection fields) {
        List<HeaderField> contentType = fields.fields("content-type");
        if (contentType.isEmpty()) {
            return Optional.empty();
        }
        String value = withoutComments(unfold(latin1Value(contentType.get(0))));
        int semicolon = value.indexOf(';');
        String type = (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        // RFC 2045 §5.2: a syntactically invalid Content-Type means text/plain.
        return type.contains("/") ? Optional.of(type) : Optional.empty();
    }

    private static Optional<String> boundary(HeaderSection fields) {
        List<HeaderField> contentType = fields.fields("content-type");
        if (contentType.isEmpty()) {
            return Optional.empty();
        }
        Matcher matcher = BOUNDARY.matcher(unfold(latin1Value(contentType.get(0))));
        if (!matcher.find()) {
            return Optional.empty();
        }
        String boundary = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
        return boundary.isEmpty() ? Optional.empty() : Optional.of(boundary);
    }

    /**
     * The value with one char per byte, not {@link HeaderField#value()}'s UTF-8 decoding: the
     * boundary found in it is turned back into bytes (ISO-8859-1) to match body bytes exactly.
     */
    private static String latin1Value(HeaderField field) {
        return new String(field.valueBytes(), StandardCharsets.ISO_8859_1);
    }

    private static String unfold(String value) {
        return value.replace("\r\n", "");
    }

    private static String withoutComments(String value) {
        return value.replaceAll("\\([^()]*\\)", " ");
    }

    /** Replaces the first Content-Transfer-Encoding field, in place, or appends one. */
    private static HeaderSection relabel(HeaderSection fields, String encoding) {
        HeaderField label = HeaderField.parse(("Content-Transfer-Encoding: " + encoding + "\r\n").getBytes(StandardCharsets.US_ASCII));
        List<HeaderField> all = fields.fields();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).hasName("content-transfer-encoding")) {
                return fields.withField(i, label);
            }
        }
        return fields.append(label);
    }

    /** 7bit data per RFC 2045 §2.7: no octet over 127, no NUL, no bare CR or LF, lines of at most 998 octets. */
    static boolean isSevenBit(byte[] bytes) {
        int lineLength = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b < 0 || b == 0) {
                return false;
            }
            if (b == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                i++;
                lineLength = 0;
                continue;
            }
            if (b == '\r' || b == '\n' || ++lineLength > SMTP_LINE) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 2045 §6.7: CRLF stays a line break; '=', octets outside 33..126 (except inner SP and
     * TAB) and SP/TAB at a line end become =XX; soft breaks keep lines at most 76 characters.
     */
    static byte[] quotedPrintable(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / 4);
        int lineLength = 0;
        for (int i = 0; i < data.length; i++) {
            int b = data[i] & 0xff;
            if (b == '\r' && i + 1 < data.length && data[i + 1] == '\n') {
                out.writeBytes(CRLF);
                i++;
                lineLength = 0;
                continue;
            }
            boolean atLineEnd = i + 1 == data.length
                || (data[i + 1] == '\r' && i + 2 < data.length && data[i + 2] == '\n');
            boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !atLineEnd);
            int width = literal ? 1 : 3;
            // Leave room for the '=' of a soft break unless this is the last character of the line.
            int limit = atLineEnd ? QP_LINE : QP_LINE - 1;
            if (lineLength + width > limit) {
                out.write('=');
                out.writeBytes(CRLF);
                lineLength = 0;
            }
            if (literal) {
                out.write(b);
            } else {
                out.write('=');
                out.write(Character.toUpperCase(Character.forDigit(b >> 4, 16)));
                out.write(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
            lineLength += width;
        }
        return out.toByteArray();
    }

    /** RFC 2045 §6.8, lines of 76 characters (the delimiter or end of data supplies the last CRLF). */
    static byte[] base64(byte[] data) {
        return Base64.getMimeEncoder(QP_LINE, CRLF).encode(data);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
