package org.t2trewrite.core.header;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.t2trewrite.core.Address;

/**
 * Replaces addresses in named address header fields, changing no other byte.
 *
 * <p>For every field whose name is in {@code fieldNames} (ASCII case-insensitive; {@code X-From}
 * is not {@code From}), the field is parsed with {@link AddressHeaderParser}, and each mailbox
 * the {@link AddressMapper} has a replacement for gets its addr-spec bytes replaced by the new
 * address's {@link Address#toString()} in UTF-8 (RFC 6532). Display names, comments, folding,
 * whitespace, line endings, the field name's case and the order of fields stay as they were.
 *
 * <p>One exception, on purpose: a display name that is exactly the old address
 * ({@code a@x <a@x>}, {@code "a@x" <a@x>}, or with Outlook's single quotes {@code "'a@x'" <a@x>};
 * case-insensitive) is replaced by the new address too, quotes kept, because otherwise the
 * recipient would still see the old address. Display names in RFC 2047 encoded words are not
 * decoded and so never replaced.
 *
 * <p>The replaced span runs from the first to the last token of the addr-spec, so a comment or
 * folding <em>inside</em> an old addr-spec (obsolete syntax: {@code a (x) @b}) goes with it; comments
 * and folding around it are kept.
 *
 * <p>A field that does not parse is left byte-identical and reported as a {@link HeaderProblem};
 * the other fields are still rewritten. Fields not rewritten are not copied. Idempotent when
 * the mapper does not map its own results again.
 */
public final class AddressHeaderRewriter {

    private AddressHeaderRewriter() {
    }

    public static HeaderRewrite rewrite(HeaderSection section, Set<String> fieldNames, AddressMapper mapper) {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(mapper, "mapper");
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(Objects.requireNonNull(fieldNames, "fieldNames"));
        List<HeaderField> fields = section.fields();
        List<HeaderField> rewritten = null;
        List<Replacement> replacements = new ArrayList<>();
        List<HeaderProblem> problems = new ArrayList<>();
        for (int index = 0; index < fields.size(); index++) {
            HeaderField field = fields.get(index);
            if (field.isOpaque() || !names.contains(field.name())) {
                continue;
            }
            AddressParse parse = AddressHeaderParser.parse(field);
            Optional<String> failure = parse.failure();
            if (failure.isPresent()) {
                problems.add(HeaderProblem.of(field.name(), failure.get()));
                continue;
            }
            HeaderField replacement = rewriteField(field, parse.found(), mapper, replacements);
            if (replacement != field) {
                if (rewritten == null) {
                    rewritten = new ArrayList<>(fields);
                }
                rewritten.set(index, replacement);
            }
        }
        if (rewritten == null) {
            return new HeaderRewrite(section, replacements, problems, false);
        }
        return new HeaderRewrite(HeaderSection.of(rewritten), replacements, problems, true);
    }

    private static HeaderField rewriteField(HeaderField field, List<FoundAddress> found, AddressMapper mapper,
                                            List<Replacement> replacements) {
        byte[] buffer = field.buffer();
        int base = field.offset();
        List<Edit> edits = new ArrayList<>();
        for (FoundAddress each : found) {
            Optional<Address> mapped = mapper.replacementFor(each.address());
            if (mapped.isEmpty()) {
                continue;
            }
            Address after = mapped.get();
            String afterText = after.toString();
            byte[] afterBytes = afterText.getBytes(StandardCharsets.UTF_8);
            int start = base + each.start();
            int end = base + each.end();
            if (Arrays.equals(buffer, start, end, afterBytes, 0, afterBytes.length)) {
                continue;
            }
            Edit displayName = displayNameEdit(buffer, base, each, afterText);
            if (displayName != null) {
                edits.add(displayName);
            }
            edits.add(new Edit(start, end, afterBytes));
            replacements.add(Replacement.of(field.name(), each.address(), after));
        }
        if (edits.isEmpty()) {
            return field;
        }
        return HeaderField.slice(apply(buffer, field.offset(), field.endOffset(), edits), 0,
            field.length() + growth(edits));
    }

    /** The edit replacing a display name that is the old address itself, or null. */
    private static Edit displayNameEdit(byte[] buffer, int base, FoundAddress found, String afterText) {
        if (!found.hasDisplayName()) {
            return null;
        }
        int start = base + found.displayNameStart();
        int end = base + found.displayNameEnd();
        boolean quoted = found.displayNameQuoted();
        if (quoted) {
            start++;
            end--;
        }
        if (end - start >= 2 && buffer[start] == '\'' && buffer[end - 1] == '\'') {
            start++;
            end--;
        }
        String text = HeaderField.decode(buffer, start, end);
        if (quoted) {
            text = unquote(text);
        }
        if (!isExactly(text, found.address())) {
            return null;
        }
        String replacement = quoted ? quote(afterText) : afterText;
        return new Edit(start, end, replacement.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isExactly(String text, Address address) {
        if (text.isEmpty() || !text.equals(text.trim()) || text.startsWith("<")) {
            return false;
        }
        try {
            return Address.parse(text).equals(address);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** RFC 5322 §3.2.4: a quoted-pair stands for the character after the backslash. */
    private static String unquote(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder plain = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                i++;
                c = text.charAt(i);
            }
            plain.append(c);
        }
        return plain.toString();
    }

    private static String quote(String text) {
        if (text.indexOf('"') < 0 && text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder quoted = new StringBuilder(text.length() + 4);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.toString();
    }

    private static int growth(List<Edit> edits) {
        int growth = 0;
        for (Edit edit : edits) {
            growth += edit.bytes.length - (edit.end - edit.start);
        }
        return growth;
    }

    /** The field's bytes with the edits (in ascending, non-overlapping order) applied. */
    private static byte[] apply(byte[] buffer, int from, int to, List<Edit> edits) {
        byte[] result = new byte[to - from + growth(edits)];
        int source = from;
        int target = 0;
        for (Edit edit : edits) {
            int keep = edit.start - source;
            System.arraycopy(buffer, source, result, target, keep);
            target += keep;
            System.arraycopy(edit.bytes, 0, result, target, edit.bytes.length);
            target += edit.bytes.length;
            source = edit.end;
        }
        System.arraycopy(buffer, source, result, target, to - source);
        return result;
    }

    private static final class Edit {
        private final int start;
        private final int end;
        private final byte[] bytes;

        Edit(int start, int end, byte[] bytes) {
            this.start = start;
            this.end = end;
            this.bytes = bytes;
        }
    }
}
