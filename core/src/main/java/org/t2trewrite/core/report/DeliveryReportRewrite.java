package org.t2trewrite.core.report;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.AddressHeaderRewriter;
import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderProblem;
import org.t2trewrite.core.header.HeaderRewrite;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.MessageSplit;
import org.t2trewrite.core.header.Replacement;
import org.t2trewrite.core.mime.ContentType;
import org.t2trewrite.core.mime.DecodedBody;
import org.t2trewrite.core.mime.MimePart;
import org.t2trewrite.core.mime.MimeTree;
import org.t2trewrite.core.mime.PartProblem;
import org.t2trewrite.core.mime.TransferCodec;

/**
 * Rewrites the recipient addresses inside delivery and read reports, keeping every other byte:
 * a bounce or read receipt for a migrated person should name the address they have now.
 *
 * <p>In a message whose top-level type is {@code multipart/report} (RFC 6522), among its
 * direct children:
 * <ul>
 *   <li>{@code message/delivery-status} (RFC 3464 §2.2, §2.3) and
 *   {@code message/disposition-notification} (RFC 8098 §3.2): the values of
 *   {@code Final-Recipient} and {@code Original-Recipient} whose address type is
 *   {@code rfc822} (any case); other types ({@code utf-8}, {@code x400}) are kept. Every field
 *   of every per-message and per-recipient block is otherwise kept, blank lines included.</li>
 *   <li>{@code text/rfc822-headers} (RFC 6522 §4) and {@code message/rfc822}: the returned
 *   header section's {@code From}, {@code To} and {@code Cc}, by {@link AddressHeaderRewriter}
 *   (its display-name policy included); the returned body is not touched.</li>
 * </ul>
 * Parts are decoded and re-encoded in their transfer encoding's style ({@link TransferCodec}).
 *
 * <p>On failure the part (or the field) is left as it was with a {@link PartProblem}: a body
 * that does not decode, a recipient field whose value is not {@code type; address}, a
 * header field the address parser rejects. Nothing throws on content.
 *
 * <p>Limitations: a report wrapped inside another multipart, or forwarded as
 * {@code message/rfc822}, is not a report here; {@code message/global-delivery-status}
 * (RFC 6533, UTF-8 address types) is not rewritten; {@code Diagnostic-Code} text that quotes
 * an address is kept as the reporting MTA wrote it.
 */
public final class DeliveryReportRewrite {
    /**
     * ASCII words (lower case) of which every message this rewrite touches contains one, in any
     * case ({@code multipart/report}): see {@link org.t2trewrite.core.calendar.CalendarRewrite#MARKERS}.
     */
    public static final List<String> MARKERS = List.of("report");

    private static final Set<String> STATUS_TYPES = Set.of("message/delivery-status", "message/disposition-notification");
    private static final Set<String> RECIPIENT_FIELDS = Set.of("final-recipient", "original-recipient");
    private static final Set<String> RETURNED_FIELDS = Set.of("From", "To", "Cc");

    private final byte[] body;
    private final boolean changed;
    private final List<Replacement> replacements;
    private final List<PartProblem> problems;

    private DeliveryReportRewrite(byte[] body, boolean changed, List<Replacement> replacements, List<PartProblem> problems) {
        this.body = body;
        this.changed = changed;
        this.replacements = Collections.unmodifiableList(new ArrayList<>(replacements));
        this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
    }

    /** Rewrites the report parts of {@code body}, the bytes after the empty line ending {@code messageHeader}. */
    public static DeliveryReportRewrite apply(HeaderSection messageHeader, byte[] body, AddressMapper mapper) {
        Objects.requireNonNull(mapper, "mapper");
        MimeTree tree = MimeTree.of(messageHeader, body);
        List<Replacement> replacements = new ArrayList<>();
        List<PartProblem> problems = new ArrayList<>();
        if (!isReport(messageHeader)) {
            return new DeliveryReportRewrite(body, false, replacements, problems);
        }
        problems.addAll(tree.problems());
        Map<MimePart, byte[]> newBodies = new LinkedHashMap<>();
        for (MimePart part : tree.leaves()) {
            String type = part.contentType().mediaType();
            boolean status = STATUS_TYPES.contains(type);
            boolean returned = type.equals("text/rfc822-headers") || type.equals("message/rfc822");
            if (part.path().contains(".") || (!status && !returned)) {
                continue;
            }
            DecodedBody decoded = TransferCodec.decode(part.transferEncoding(), tree.bodyOf(part));
            if (decoded.failure().isPresent()) {
                problems.add(PartProblem.of(part.describe(), decoded.failure().get() + "; part left as it is"));
                continue;
            }
            Optional<byte[]> edited = status
                ? rewriteStatus(decoded.content(), type, mapper, replacements, problems, part.describe())
                : rewriteReturned(decoded.content(), type, mapper, replacements, problems, part.describe());
            edited.ifPresent(content -> newBodies.put(part, decoded.encode(content)));
        }
        if (newBodies.isEmpty()) {
            return new DeliveryReportRewrite(body, false, replacements, problems);
        }
        return new DeliveryReportRewrite(tree.withBodies(newBodies), true, replacements, problems);
    }

    private static boolean isReport(HeaderSection header) {
        for (HeaderField field : header.fields("Content-Type")) {
            return ContentType.parse(field.value()).mediaType().equals("multipart/report");
        }
        return false;
    }

    /** Final-Recipient / Original-Recipient of type rfc822 in every block; blank lines parse as opaque fields and are kept. */
    private static Optional<byte[]> rewriteStatus(byte[] content, String type, AddressMapper mapper,
                                                  List<Replacement> replacements, List<PartProblem> problems, String where) {
        HeaderSection fields = HeaderSection.parse(content);
        HeaderSection result = fields;
        for (int index = 0; index < fields.fields().size(); index++) {
            HeaderField field = fields.fields().get(index);
            if (field.isOpaque() || !RECIPIENT_FIELDS.contains(field.name().toLowerCase(Locale.ROOT))) {
                continue;
            }
            String value = new String(field.valueBytes(), StandardCharsets.ISO_8859_1);
            int semicolon = value.indexOf(';');
            if (semicolon < 0) {
                problems.add(PartProblem.of(where, field.name() + ": no 'type;' before the address; field left as it is"));
                continue;
            }
            if (!value.substring(0, semicolon).trim().equalsIgnoreCase("rfc822")) {
                continue;
            }
            int start = semicolon + 1;
            while (start < value.length() && Character.isWhitespace(value.charAt(start))) {
                start++;
            }
            int end = value.length();
            while (end > start && Character.isWhitespace(value.charAt(end - 1))) {
                end--;
            }
            String written = new String(value.substring(start, end).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            Address found;
            try {
                found = Address.parse(written);
            } catch (IllegalArgumentException e) {
                problems.add(PartProblem.of(where, field.name() + ": " + e.getMessage() + "; field left as it is"));
                continue;
            }
            Optional<Address> replacement = mapper.replacementFor(found);
            if (replacement.isEmpty() || replacement.get().toString().equals(written)) {
                continue;
            }
            String bracketed = written.startsWith("<") ? "<" + replacement.get() + ">" : replacement.get().toString();
            ByteArrayOutputStream out = new ByteArrayOutputStream(field.length() + 32);
            byte[] raw = field.rawBytes();
            int valueOffset = raw.length - field.lineEnding().length() - field.valueBytes().length;
            out.write(raw, 0, valueOffset + start);
            byte[] address = bracketed.getBytes(StandardCharsets.UTF_8);
            out.write(address, 0, address.length);
            out.write(raw, valueOffset + end, raw.length - valueOffset - end);
            byte[] rebuilt = out.toByteArray();
            if (field.lineEnding().isEmpty()) {
                problems.add(PartProblem.of(where, field.name() + ": last line without a line ending; field left as it is"));
                continue;
            }
            HeaderField rewritten;
            try {
                rewritten = HeaderField.parse(rebuilt);
            } catch (IllegalArgumentException e) {
                problems.add(PartProblem.of(where, field.name() + ": " + e.getMessage() + "; field left as it is"));
                continue;
            }
            result = result.withField(index, rewritten);
            replacements.add(Replacement.of(type + " " + field.name(), found, replacement.get()));
        }
        return result == fields ? Optional.empty() : Optional.of(result.toBytes());
    }

    /** From/To/Cc of a returned header section (text/rfc822-headers) or message (message/rfc822). */
    private static Optional<byte[]> rewriteReturned(byte[] content, String type, AddressMapper mapper,
                                                    List<Replacement> replacements, List<PartProblem> problems, String where) {
        MessageSplit split = HeaderSection.split(content);
        HeaderRewrite rewrite = AddressHeaderRewriter.rewrite(split.header(content), RETURNED_FIELDS, mapper);
        for (HeaderProblem problem : rewrite.problems()) {
            problems.add(PartProblem.of(where, problem.fieldName() + ": " + problem.reason() + "; field left as it is"));
        }
        if (!rewrite.changed()) {
            return Optional.empty();
        }
        for (Replacement replacement : rewrite.replacements()) {
            replacements.add(Replacement.of(type + " " + replacement.fieldName(), replacement.before(), replacement.after()));
        }
        return Optional.of(split.join(rewrite.section(), content));
    }

    /** The new body; the very input array when nothing changed. Callers must not write it. */
    public byte[] body() {
        return body;
    }

    /** True when at least one byte differs from the input. */
    public boolean changed() {
        return changed;
    }

    /** The addresses replaced, named like {@code message/delivery-status Final-Recipient} or {@code text/rfc822-headers To}. */
    public List<Replacement> replacements() {
        return replacements;
    }

    /** What was left as it was, and why. */
    public List<PartProblem> problems() {
        return problems;
    }

    @Override
    public String toString() {
        return "DeliveryReportRewrite{changed=" + changed + ", replacements=" + replacements + ", problems=" + problems + "}";
    }
}
