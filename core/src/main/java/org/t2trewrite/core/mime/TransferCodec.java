package org.t2trewrite.core.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * Decodes a part body's Content-Transfer-Encoding (RFC 2045 §6) and encodes changed content
 * back <em>in the style it was found in</em>, so that a part that changed a little looks to
 * the next hop as if its sender had written it that way.
 *
 * <ul>
 *   <li>{@code 7bit}, {@code 8bit}, {@code binary}: identity.</li>
 *   <li>{@code base64}: whitespace between characters is ignored on decode; any other byte
 *   outside the alphabet, or a misplaced {@code =}, makes the part undecodable (left as it
 *   is: a body we cannot read back is not ours to rewrite). Encoding writes the original line
 *   length (the first line's), the original line ending, and the original trailing bytes
 *   after the last character (usually one line ending, sometimes none).</li>
 *   <li>{@code quoted-printable}: {@code =XX} (either case), soft breaks and trailing
 *   transport whitespace are decoded; a stray {@code =} stays literal (RFC 2045 §6.7 note 1).
 *   Hard line breaks keep the bytes found, so a CRLF or LF calendar stays so. Encoding uses
 *   the line ending of the original's soft breaks (else its first line ending) and its
 *   soft-break width (the longest soft-broken line, at most 76; 76 when it had none).</li>
 *   <li>Anything else ({@code x-uuencode}, typos): undecodable.</li>
 * </ul>
 */
public final class TransferCodec {

    private TransferCodec() {
    }

    /** Decodes {@code encoded} under {@code transferEncoding} (case-insensitive). Never throws on content. */
    public static DecodedBody decode(String transferEncoding, byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        String encoding = Objects.requireNonNull(transferEncoding, "transferEncoding").trim().toLowerCase(Locale.ROOT);
        switch (encoding) {
            case "7bit":
            case "8bit":
            case "binary":
                return DecodedBody.identity(encoded);
            case "base64":
                return decodeBase64(encoded);
            case "quoted-printable":
                return decodeQuotedPrintable(encoded);
            default:
                return DecodedBody.failed("unknown Content-Transfer-Encoding '" + transferEncoding + "'");
        }
    }

    private static DecodedBody decodeBase64(byte[] encoded) {
        ByteArrayOutputStream alphabet = new ByteArrayOutputStream(encoded.length);
        int lineLength = 0;
        int current = 0;
        String lineEnding = null;
        int lastCharacter = -1;
        for (int i = 0; i < encoded.length; i++) {
            byte b = encoded[i];
            if (b == '\n') {
                if (lineEnding == null && current > 0) {
                    lineEnding = i > 0 && encoded[i - 1] == '\r' ? "\r\n" : "\n";
                }
                if (lineLength == 0 && current > 0) {
                    lineLength = current;
                }
                current = 0;
            } else if (b == '\r' || b == ' ' || b == '\t') {
                continue;
            } else if (isBase64(b)) {
                alphabet.write(b);
                current++;
                lastCharacter = i;
            } else {
                return DecodedBody.failed("not base64: byte 0x" + String.format(Locale.ROOT, "%02x", b & 0xff)
                    + " at offset " + i);
            }
        }
        byte[] characters = alphabet.toByteArray();
        byte[] content;
        try {
            content = Base64.getDecoder().decode(characters);
        } catch (IllegalArgumentException e) {
            return DecodedBody.failed("not base64: " + e.getMessage());
        }
        byte[] trailer = Arrays.copyOfRange(encoded, lastCharacter + 1, encoded.length);
        return DecodedBody.base64(content, lineLength, lineEnding == null ? "\r\n" : lineEnding, trailer);
    }

    private static boolean isBase64(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '/' || b == '=';
    }

    static byte[] encodeBase64(byte[] content, int lineLength, String lineEnding, byte[] trailer) {
        byte[] characters = Base64.getEncoder().encode(content);
        ByteArrayOutputStream out = new ByteArrayOutputStream(characters.length + characters.length / 38 + 4);
        byte[] ending = lineEnding.getBytes(StandardCharsets.US_ASCII);
        if (lineLength <= 0) {
            out.write(characters, 0, characters.length);
        } else {
            for (int i = 0; i < characters.length; i += lineLength) {
                if (i > 0) {
                    out.write(ending, 0, ending.length);
                }
                out.write(characters, i, Math.min(lineLength, characters.length - i));
            }
        }
        out.write(trailer, 0, trailer.length);
        return out.toByteArray();
    }

    private static DecodedBody decodeQuotedPrintable(byte[] encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length);
        String lineEnding = null;
        String softEnding = null;
        int width = 0;
        int line = 0;
        while (line < encoded.length) {
            int lineEnd = line;
            while (lineEnd < encoded.length && encoded[lineEnd] != '\n') {
                lineEnd++;
            }
            int contentEnd = lineEnd;
            if (contentEnd > line && lineEnd < encoded.length && encoded[contentEnd - 1] == '\r') {
                contentEnd--;
            }
            if (lineEnd < encoded.length && lineEnding == null) {
                lineEnding = contentEnd < lineEnd ? "\r\n" : "\n";
            }
            // RFC 2045 §6.7 rule 3: trailing whitespace is transport padding, not content.
            int end = contentEnd;
            while (end > line && (encoded[end - 1] == ' ' || encoded[end - 1] == '\t')) {
                end--;
            }
            boolean soft = end > line && encoded[end - 1] == '=';
            if (soft) {
                width = Math.max(width, end - line);
                end--;
                if (softEnding == null && lineEnd < encoded.length) {
                    softEnding = contentEnd < lineEnd ? "\r\n" : "\n";
                }
            }
            for (int i = line; i < end; i++) {
                byte b = encoded[i];
                if (b == '=' && i + 2 < end && hex(encoded[i + 1]) >= 0 && hex(encoded[i + 2]) >= 0) {
                    out.write(hex(encoded[i + 1]) * 16 + hex(encoded[i + 2]));
                    i += 2;
                } else {
                    out.write(b);
                }
            }
            if (!soft && lineEnd < encoded.length) {
                out.write(encoded, contentEnd, lineEnd + 1 - contentEnd);
            }
            line = lineEnd + 1;
        }
        String breakEnding = softEnding != null ? softEnding : lineEnding != null ? lineEnding : "\r\n";
        return DecodedBody.quotedPrintable(out.toByteArray(), breakEnding,
            width == 0 ? 76 : Math.min(76, width));
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }

    /**
     * Quoted-printable (RFC 2045 §6.7): content line breaks (CRLF or LF) are written as found,
     * soft breaks use {@code lineEnding}, lines are at most {@code width} characters including
     * the soft break's {@code =}. Whitespace before a line break is encoded so that no decoder
     * strips it.
     */
    static byte[] encodeQuotedPrintable(byte[] content, String lineEnding, int width) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + content.length / 8 + 8);
        byte[] soft = ("=" + lineEnding).getBytes(StandardCharsets.US_ASCII);
        int column = 0;
        int i = 0;
        while (i < content.length) {
            byte b = content[i];
            if (b == '\n' || (b == '\r' && i + 1 < content.length && content[i + 1] == '\n')) {
                int breakLength = b == '\n' ? 1 : 2;
                out.write(content, i, breakLength);
                i += breakLength;
                column = 0;
                continue;
            }
            boolean lineEndsHere = i + 1 == content.length || content[i + 1] == '\n'
                || (content[i + 1] == '\r' && i + 2 < content.length && content[i + 2] == '\n');
            boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !lineEndsHere);
            String token = literal ? String.valueOf((char) b) : String.format(Locale.ROOT, "=%02X", b & 0xff);
            // A soft break needs one column for its '='; the last token of a line does not.
            int limit = lineEndsHere ? width : width - 1;
            if (column + token.length() > limit && column > 0) {
                out.write(soft, 0, soft.length);
                column = 0;
            }
            byte[] tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
            out.write(tokenBytes, 0, tokenBytes.length);
            column += token.length();
            i++;
        }
        return out.toByteArray();
    }
}
