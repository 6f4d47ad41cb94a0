package org.t2trewrite.core.calendar;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.Replacement;
import org.t2trewrite.core.mime.DecodedBody;
import org.t2trewrite.core.mime.MimePart;
import org.t2trewrite.core.mime.MimeTree;
import org.t2trewrite.core.mime.PartProblem;
import org.t2trewrite.core.mime.TransferCodec;

/**
 * Rewrites the calendar user addresses of every invitation in a message body, keeping every
 * other byte: the entry point of the mailets that rewrite calendar mail.
 *
 * <p>A calendar part is a leaf ({@link MimeTree}) of type {@code text/calendar} or
 * {@code application/ics}, or of any {@code application/octet-stream} whose
 * Content-Disposition {@code filename} or Content-Type {@code name} ends in {@code .ics}
 * (clients attach invitations so), inline or attachment, and also the body of a message that
 * is itself {@code text/calendar}. Each is decoded ({@link TransferCodec}: any transfer
 * encoding), read in its {@code charset} (UTF-8 when absent, RFC 5545 §8.1), edited by
 * {@link CalendarEditor} and encoded back in the style found. A message that carries the
 * invitation twice (a {@code text/calendar} alternative and an {@code .ics} attachment) gets
 * both rewritten the same way, since the same mapper sees the same addresses. The parts' MIME
 * headers, the other parts, preambles, epilogues and delimiters keep their bytes.
 *
 * <p>On failure, the part is left exactly as it was and a {@link PartProblem} says why: an
 * unknown charset (a guess could write the wrong bytes), a charset whose ASCII is not plain
 * bytes, a body that does not decode (bad base64), a non-ASCII new address in a {@code 7bit}
 * part (writing 8-bit bytes there would break the part's declared encoding). A content line
 * that cannot be edited is left alone while the rest of its part is rewritten (its problem is
 * reported too). Structure the walker could not follow is reported as it reports it. If the
 * rewritten body would walk to other parts than the original (a re-encoded line that reads
 * as a boundary delimiter), the whole body is left as it was. Nothing throws on content.
 *
 * <p>Limitations: calendars inside {@code message/rfc822} parts (forwarded invitations) are
 * not touched, nor TNEF ({@code winmail.dat}); see {@link CalendarEditor} for what is out of
 * reach inside a calendar.
 */
public final class CalendarRewrite {
    /**
     * ASCII words (lower case) of which every message with a calendar part contains at least one,
     * in any case: {@code text/calendar}, {@code application/ics}, a {@code .ics} file name. A
     * message containing none of them has no part {@link #apply} would touch, so callers can skip
     * the body copy and the MIME walk with a byte scan.
     */
    public static final List<String> MARKERS = List.of("calendar", "/ics", ".ics");

    private final byte[] body;
    private final boolean changed;
    private final List<Replacement> replacements;
    private final List<PartProblem> problems;

    private CalendarRewrite(byte[] body, boolean changed, List<Replacement> replacements, List<PartProblem> problems) {
        this.body = body;
        this.changed = changed;
        this.replacements = Collections.unmodifiableList(new ArrayList<>(replacements));
        this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
    }

    /** Rewrites the calendar parts of {@code body}, the bytes after the empty line ending {@code messageHeader}. */
    public static CalendarRewrite apply(HeaderSection messageHeader, byte[] body, AddressMapper mapper) {
        Objects.requireNonNull(mapper, "mapper");
        MimeTree tree = MimeTree.of(messageHeader, body);
        List<Replacement> replacements = new ArrayList<>();
        List<PartProblem> problems = new ArrayList<>(tree.problems());
        Map<MimePart, byte[]> newBodies = new LinkedHashMap<>();
        for (MimePart part : tree.leaves()) {
            if (!isCalendar(part)) {
                continue;
            }
            rewritePart(tree, part, mapper, replacements, problems).ifPresent(bytes -> newBodies.put(part, bytes));
        }
        if (newBodies.isEmpty()) {
            return new CalendarRewrite(body, false, replacements, problems);
        }
        byte[] rewritten = tree.withBodies(newBodies);
        if (!sameStructure(tree, MimeTree.of(messageHeader, rewritten))) {
            problems.add(PartProblem.of("message body", "the rewritten parts would change the MIME structure (a re-encoded"
                + " line reads as a boundary); message left as it is"));
            return new CalendarRewrite(body, false, List.of(), problems);
        }
        return new CalendarRewrite(rewritten, true, replacements, problems);
    }

    /** True when the body has a calendar part (as {@link #apply} finds them): for matchers that narrow a rule to invitations. */
    public static boolean carriesCalendar(HeaderSection messageHeader, byte[] body) {
        for (MimePart part : MimeTree.of(messageHeader, body).leaves()) {
            if (isCalendar(part)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when both trees have the same leaves (paths, types, encodings). Re-encoding can
     * write a line the original only had encoded (QP's {@code =2D-boundary}); checking the
     * walk again is cheaper than proving that no encoder ever does.
     */
    private static boolean sameStructure(MimeTree before, MimeTree after) {
        List<MimePart> a = before.leaves();
        List<MimePart> b = after.leaves();
        if (a.size() != b.size() || before.problems().size() != after.problems().size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).path().equals(b.get(i).path()) || !a.get(i).contentType().equals(b.get(i).contentType())
                || !a.get(i).transferEncoding().equals(b.get(i).transferEncoding())
                || !a.get(i).header().equals(b.get(i).header())) {
                return false;
            }
        }
        return true;
    }

    static boolean isCalendar(MimePart part) {
        String type = part.contentType().mediaType();
        if (type.equals("text/calendar") || type.equals("application/ics")) {
            return true;
        }
        if (!type.equals("application/octet-stream")) {
            return false;
        }
        Optional<String> name = part.filename().or(() -> part.contentType().parameter("name"));
        return name.map(value -> value.trim().toLowerCase(Locale.ROOT).endsWith(".ics")).orElse(false);
    }

    private static Optional<byte[]> rewritePart(MimeTree tree, MimePart part, AddressMapper mapper,
                                                List<Replacement> replacements, List<PartProblem> problems) {
        String where = part.describe();
        Optional<String> charsetName = part.contentType().parameter("charset").filter(name -> !name.isEmpty());
        Charset charset;
        try {
            charset = charsetName.isPresent() ? Charset.forName(charsetName.get()) : StandardCharsets.UTF_8;
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            problems.add(PartProblem.of(where, "unknown charset '" + charsetName.get() + "'; part left as it is"));
            return Optional.empty();
        }
        DecodedBody decoded = TransferCodec.decode(part.transferEncoding(), tree.bodyOf(part));
        if (decoded.failure().isPresent()) {
            problems.add(PartProblem.of(where, decoded.failure().get() + "; part left as it is"));
            return Optional.empty();
        }
        CalendarEdit edit = CalendarEditor.edit(decoded.content(), charset, mapper, part.contentType().mediaType());
        for (String problem : edit.problems()) {
            problems.add(PartProblem.of(where, problem));
        }
        if (!edit.changed()) {
            return Optional.empty();
        }
        if (part.transferEncoding().equals("7bit") && isAscii(decoded.content()) && !isAscii(edit.content())) {
            problems.add(PartProblem.of(where, "a new address is not ASCII and the part is 7bit; part left as it is"));
            return Optional.empty();
        }
        replacements.addAll(edit.replacements());
        return Optional.of(decoded.encode(edit.content()));
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** The new body; the very input array when nothing changed. Callers must not write it. */
    public byte[] body() {
        return body;
    }

    /** True when at least one byte differs from the input. */
    public boolean changed() {
        return changed;
    }

    /** The addresses replaced, named like {@code text/calendar ATTENDEE} or {@code application/ics ATTENDEE;SENT-BY}. */
    public List<Replacement> replacements() {
        return replacements;
    }

    /** What was left as it was, and why. */
    public List<PartProblem> problems() {
        return problems;
    }

    @Override
    public String toString() {
        return "CalendarRewrite{changed=" + changed + ", replacements=" + replacements + ", problems=" + problems + "}";
    }
}
