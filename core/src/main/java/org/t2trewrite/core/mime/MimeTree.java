package org.t2trewrite.core.mime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.MessageSplit;

/**
 * The leaf parts of a message body, found on the raw bytes (RFC 2045, RFC 2046 §5.1), and a
 * way to replace some of their bodies while every other byte stays as it was.
 *
 * <p>How the body is walked:
 * <ul>
 *   <li>Every {@code multipart/*} subtype is split at its boundary; nested multiparts are
 *   walked up to {@value #MAX_DEPTH} levels (deeper ones are left alone with a problem: mail
 *   does not nest that deep unless it is built to exhaust a parser). Preamble, epilogue,
 *   delimiter lines and padding are never touched.</li>
 *   <li>A delimiter is {@code --boundary} at the start of a line, followed by optional
 *   whitespace and the line end (or the end of input); {@code --boundary--} closes, whatever
 *   follows it being epilogue. Lines may end in CRLF or bare LF, mixed; the line end before a
 *   delimiter belongs to the delimiter.</li>
 *   <li>{@code message/rfc822} (and {@code message/global}) parts are leaves: the message
 *   inside is another message, and a rewrite of its header or calendar would change what the
 *   forwarder quoted. A part without Content-Type is {@code text/plain}, or
 *   {@code message/rfc822} inside {@code multipart/digest} (RFC 2046 §5.1.5).</li>
 *   <li>Broken structure never throws: a multipart without a {@code boundary} parameter or
 *   without any delimiter is not descended into; a multipart without a close delimiter has
 *   its last part run to the end of its body. Each is reported as a {@link PartProblem}.</li>
 * </ul>
 *
 * <p>Holds the body array it was given and never writes it: callers must not change it
 * either (copying every message body for a walk would double the memory of large mail).
 * Does not decode transfer encodings ({@link TransferCodec} does) or charsets.
 */
public final class MimeTree {
    /** Multiparts nested deeper than this are left alone. */
    public static final int MAX_DEPTH = 20;

    private final byte[] body;
    private final List<MimePart> leaves;
    private final List<PartProblem> problems;

    private MimeTree(byte[] body, List<MimePart> leaves, List<PartProblem> problems) {
        this.body = body;
        this.leaves = Collections.unmodifiableList(leaves);
        this.problems = Collections.unmodifiableList(problems);
    }

    /** Walks {@code body}, the bytes after the empty line that ends {@code messageHeader}. */
    public static MimeTree of(HeaderSection messageHeader, byte[] body) {
        Objects.requireNonNull(messageHeader, "messageHeader");
        Objects.requireNonNull(body, "body");
        List<MimePart> leaves = new ArrayList<>();
        List<PartProblem> problems = new ArrayList<>();
        ContentType type = contentTypeOf(messageHeader, ContentType.textPlain());
        if (type.isMultipart()) {
            walkMultipart(body, 0, body.length, type, "", 1, leaves, problems);
        } else {
            leaves.add(MimePart.of("1", messageHeader, 0, 0, 0, body.length, true, type));
        }
        return new MimeTree(body, leaves, problems);
    }

    private static ContentType contentTypeOf(HeaderSection header, ContentType fallback) {
        return MimePart.firstValue(header, "Content-Type").map(ContentType::parse).orElse(fallback);
    }

    private static void walkMultipart(byte[] body, int start, int end, ContentType type, String path, int depth,
                                      List<MimePart> leaves, List<PartProblem> problems) {
        String where = path.isEmpty() ? "message body " + type.mediaType() : "part " + path + " " + type.mediaType();
        if (depth > MAX_DEPTH) {
            problems.add(PartProblem.of(where, "nested deeper than " + MAX_DEPTH + " multiparts; not walked"));
            return;
        }
        String boundary = type.parameter("boundary").orElse("");
        if (boundary.isEmpty()) {
            problems.add(PartProblem.of(where, "multipart without a boundary parameter; not walked"));
            return;
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        ContentType childDefault = type.subtype().equals("digest") ? ContentType.messageRfc822() : ContentType.textPlain();
        int partStart = -1;
        int number = 0;
        int line = start;
        while (line < end) {
            int lineEnd = lineEnd(body, line, end);
            int kind = delimiterKind(body, line, lineEnd, delimiter);
            if (kind != NOT_DELIMITER) {
                if (partStart >= 0) {
                    number++;
                    int partEnd = Math.max(partStart, line - precedingLineEnding(body, partStart, line));
                    addPart(body, partStart, partEnd, childDefault, childPath(path, number), depth, leaves, problems);
                }
                if (kind == CLOSE) {
                    return;
                }
                partStart = lineEnd;
            }
            line = lineEnd;
        }
        if (partStart < 0) {
            problems.add(PartProblem.of(where, "no boundary delimiter found; not walked"));
            return;
        }
        number++;
        addPart(body, partStart, end, childDefault, childPath(path, number), depth, leaves, problems);
        problems.add(PartProblem.of(where, "no close delimiter; its last part runs to the end"));
    }

    private static String childPath(String path, int number) {
        return path.isEmpty() ? Integer.toString(number) : path + "." + number;
    }

    private static void addPart(byte[] body, int start, int end, ContentType fallback, String path, int depth,
                                List<MimePart> leaves, List<PartProblem> problems) {
        int headerEnd = -1;
        int bodyStart = -1;
        int line = start;
        while (line < end) {
            int lineEnd = lineEnd(body, line, end);
            int content = lineEnd - line;
            if (content > 0 && body[lineEnd - 1] == '\n') {
                content--;
                if (content > 0 && body[lineEnd - 2] == '\r') {
                    content--;
                }
                if (content == 0) {
                    headerEnd = line;
                    bodyStart = lineEnd;
                    break;
                }
            }
            line = lineEnd;
        }
        HeaderSection header;
        if (headerEnd < 0) {
            byte[] whole = Arrays.copyOfRange(body, start, end);
            MessageSplit split = HeaderSection.split(whole);
            header = split.header(whole);
            headerEnd = start + split.headerEnd();
            bodyStart = start + split.bodyOffset();
        } else {
            header = HeaderSection.parse(Arrays.copyOfRange(body, start, headerEnd));
        }
        ContentType type = contentTypeOf(header, fallback);
        if (type.isMultipart()) {
            walkMultipart(body, bodyStart, end, type, path, depth + 1, leaves, problems);
        } else {
            leaves.add(MimePart.of(path, header, start, headerEnd, bodyStart, end, false, type));
        }
    }

    private static final int NOT_DELIMITER = 0;
    private static final int DELIMITER = 1;
    private static final int CLOSE = 2;

    private static int delimiterKind(byte[] body, int line, int lineEnd, byte[] delimiter) {
        if (lineEnd - line < delimiter.length || !Arrays.equals(body, line, line + delimiter.length, delimiter, 0, delimiter.length)) {
            return NOT_DELIMITER;
        }
        int position = line + delimiter.length;
        if (position + 1 < lineEnd && body[position] == '-' && body[position + 1] == '-') {
            return CLOSE;
        }
        while (position < lineEnd && (body[position] == ' ' || body[position] == '\t' || body[position] == '\r'
            || body[position] == '\n')) {
            position++;
        }
        return position == lineEnd ? DELIMITER : NOT_DELIMITER;
    }

    /** The length of the line ending just before {@code line} (0 when {@code line} is the part's start). */
    private static int precedingLineEnding(byte[] body, int partStart, int line) {
        if (line - 1 >= partStart && body[line - 1] == '\n') {
            return line - 2 >= partStart && body[line - 2] == '\r' ? 2 : 1;
        }
        return 0;
    }

    private static int lineEnd(byte[] bytes, int start, int end) {
        for (int i = start; i < end; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return end;
    }

    /** The leaf parts in the order they appear. */
    public List<MimePart> leaves() {
        return leaves;
    }

    /** Structure that was not walked, or walked only in part. */
    public List<PartProblem> problems() {
        return problems;
    }

    /**
     * A new body with the bodies of the given leaves (of this tree) replaced, every other byte
     * as it was; the very body array when {@code newBodies} is empty.
     *
     * @throws IllegalArgumentException when a key is not a leaf of this tree
     */
    public byte[] withBodies(Map<MimePart, byte[]> newBodies) {
        Objects.requireNonNull(newBodies, "newBodies");
        if (newBodies.isEmpty()) {
            return body;
        }
        List<MimePart> parts = new ArrayList<>(newBodies.keySet());
        for (MimePart part : parts) {
            if (!leaves.contains(part)) {
                throw new IllegalArgumentException("not a leaf of this tree: " + part);
            }
        }
        parts.sort(Comparator.comparingInt(MimePart::bodyStart));
        long length = body.length;
        for (MimePart part : parts) {
            length += newBodies.get(part).length - (part.bodyEnd() - part.bodyStart());
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("new body too large: " + length + " bytes");
        }
        byte[] result = new byte[(int) length];
        int source = 0;
        int target = 0;
        for (MimePart part : parts) {
            int keep = part.bodyStart() - source;
            System.arraycopy(body, source, result, target, keep);
            target += keep;
            byte[] replacement = newBodies.get(part);
            System.arraycopy(replacement, 0, result, target, replacement.length);
            target += replacement.length;
            source = part.bodyEnd();
        }
        System.arraycopy(body, source, result, target, body.length - source);
        return result;
    }

    /** A copy of a leaf's body bytes, still transfer-encoded. */
    public byte[] bodyOf(MimePart part) {
        return Arrays.copyOfRange(body, part.bodyStart(), part.bodyEnd());
    }
}
