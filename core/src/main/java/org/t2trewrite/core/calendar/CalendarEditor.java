package org.t2trewrite.core.calendar;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.header.Replacement;

/**
 * Replaces calendar user addresses in an iCalendar object (RFC 5545) line by line, keeping
 * every byte it does not have to change.
 *
 * <p>What is rewritten, through an {@link AddressMapper}:
 * <ul>
 *   <li>the value of {@code ORGANIZER}, {@code ATTENDEE} and {@code X-MS-OLK-SENDER}: a
 *   {@code mailto:} URI (scheme in any case, kept as written; Yahoo's doubled
 *   {@code mailto:MAILTO:addr} too; leading and trailing spaces kept) or a bare address;</li>
 *   <li>on any property, the parameters {@code SENT-BY}, {@code DELEGATED-TO} and
 *   {@code DELEGATED-FROM} (each a comma-separated list of quoted or unquoted
 *   {@code mailto:} URIs, RFC 5545 §3.2.4, §3.2.5, §3.2.18) and {@code EMAIL} (a bare address,
 *   RFC 7986 §6.2);</li>
 *   <li>a {@code CN} that <em>is</em> an address replaced on the same line (any case, quoted or
 *   not, or in Outlook's single quotes): like {@code AddressHeaderRewriter}'s display names,
 *   because otherwise the attendee list would still show the old address.</li>
 * </ul>
 * Property and parameter names match without case (§2). Values that are not addresses
 * ({@code urn:uuid:...}, Google's {@code invalid:nomail}) are not touched and not problems.
 *
 * <p>What is kept:
 * <ul>
 *   <li>Every content line without a replacement keeps its bytes, folds and line ending, and
 *   all lines keep their order. Unfolding works on bytes (§3.1: a fold is a line ending and
 *   exactly one SP or HTAB, possibly inside a UTF-8 sequence); a second space after a fold is
 *   content and stays.</li>
 *   <li>A changed line keeps its parameter order, quoting, other parameter values and
 *   scheme spelling; only the address characters change (changing the spelling of
 *   {@code MAILTO:} can make a client see a new attendee).</li>
 *   <li>A changed line is re-folded only when the original line was folded or the new line is
 *   longer than 75 octets: an unfolded line that still fits stays one physical line, so that
 *   a short edit does not introduce folds the sender never wrote. Folds go at 75 octets
 *   (counted in the part's charset, never inside a character), use the original fold
 *   character (SP, or Outlook's HTAB) and the line's original line ending.</li>
 * </ul>
 *
 * <p>Lenient where mail is: a fold anywhere (inside the scheme, the address, right after
 * {@code :}), Google's folds at 75 characters rather than octets, lines of any length, an
 * unquoted parameter value that starts with {@code mailto:} (Tine 2.0's
 * {@code SENT-BY=mailto:x}: the colon is taken as part of the parameter when a value colon
 * still follows), LF or CRLF or both, a truncated calendar without {@code END:VCALENDAR}.
 * There is no component model on purpose: an editor of address lines need not know whether
 * a VEVENT is closed, a REPLY lacks an ORGANIZER or METHOD disagrees with the MIME type.
 *
 * <p>On failure: a line that needs a rewrite but cannot be edited safely (an unterminated
 * quoted parameter value, bytes that are not valid in the charset, a new address the
 * charset cannot encode, a new address that would need quoting where the value is not quoted)
 * is left exactly as it was and reported in {@link CalendarEdit#problems()}; the other lines
 * are still rewritten. A charset in which ASCII delimiters are not single ASCII bytes
 * (UTF-16, Shift_JIS, ISO-2022-JP, ...) leaves the whole calendar as it is. Nothing throws.
 *
 * <p>Why no iCalendar library: ical4j and biweekly parse into a model and write it back,
 * re-folding every line, reordering properties or RRULE parts, re-quoting parameters and
 * changing the scheme's case (measured on real invitations: 10 and 3 of 62 came back
 * byte-identical). A relay that rewrites two addresses must not re-author the invitation.
 *
 * <p>Limitations: addresses in {@code DESCRIPTION}/{@code X-ALT-DESC} text, in
 * {@code X-MICROSOFT-LOCATIONS} JSON and in TNEF ({@code winmail.dat}) are out of reach;
 * percent-encoded {@code mailto:} URIs are not decoded; CR-only line ends are not lines.
 * Idempotent when the mapper does not map its own results again.
 */
public final class CalendarEditor {
    /** RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break. */
    static final int MAX_LINE_OCTETS = 75;

    private static final Set<String> ADDRESS_PROPERTIES = Set.of("ORGANIZER", "ATTENDEE", "X-MS-OLK-SENDER");
    private static final Set<String> ADDRESS_LIST_PARAMETERS = Set.of("SENT-BY", "DELEGATED-TO", "DELEGATED-FROM");
    private static final String EMAIL = "EMAIL";
    private static final String CN = "CN";
    private static final String MAILTO = "mailto:";
    private static final byte[][] PARAMETER_TRIGGERS = {
        ascii("SENT-BY"), ascii("DELEGATED-"), ascii("EMAIL")};

    private CalendarEditor() {
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Edits {@code content}, a calendar in {@code charset}. {@code context} starts the field
     * names of the {@link Replacement}s ({@code text/calendar} gives {@code text/calendar ATTENDEE}).
     */
    public static CalendarEdit edit(byte[] content, Charset charset, AddressMapper mapper, String context) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(charset, "charset");
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(context, "context");
        List<Replacement> replacements = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!isAsciiTransparent(charset)) {
            problems.add("charset " + charset.name() + " does not write ASCII as single ASCII bytes; calendar left as it is");
            return new CalendarEdit(content, false, replacements, problems);
        }
        List<ContentLine> lines = ContentLine.split(content);
        ByteArrayOutputStream out = null;
        int copied = 0;
        String defaultEnding = null;
        for (int index = 0; index < lines.size(); index++) {
            ContentLine line = lines.get(index);
            byte[] unfolded = line.unfolded(content);
            String name = asciiName(unfolded);
            boolean addressProperty = ADDRESS_PROPERTIES.contains(name);
            if (!addressProperty && !mayHaveAddressParameter(unfolded)) {
                continue;
            }
            String where = "line " + (index + 1) + " " + name;
            Optional<String> text = decode(unfolded, charset);
            if (text.isEmpty()) {
                if (addressProperty) {
                    problems.add(where + ": bytes that are not valid " + charset.name() + "; line left as it is");
                }
                continue;
            }
            List<Replacement> lineReplacements = new ArrayList<>();
            LineEdit edit = editLine(text.get(), addressProperty, mapper, context, lineReplacements);
            if (edit.failure != null) {
                if (addressProperty || edit.failureMatters) {
                    problems.add(where + ": " + edit.failure + "; line left as it is");
                }
                continue;
            }
            if (edit.text == null) {
                continue;
            }
            if (defaultEnding == null) {
                defaultEnding = firstLineEnding(content);
            }
            Optional<byte[]> bytes = physical(edit.text, line, content, charset, defaultEnding);
            if (bytes.isEmpty()) {
                problems.add(where + ": the new address cannot be written in " + charset.name() + "; line left as it is");
                continue;
            }
            if (out == null) {
                out = new ByteArrayOutputStream(content.length + 256);
            }
            out.write(content, copied, line.start() - copied);
            out.write(bytes.get(), 0, bytes.get().length);
            copied = line.end();
            replacements.addAll(lineReplacements);
        }
        if (out == null) {
            return new CalendarEdit(content, false, replacements, problems);
        }
        out.write(content, copied, content.length - copied);
        return new CalendarEdit(out.toByteArray(), true, replacements, problems);
    }

    /**
     * True when the charset writes every ASCII character as that one byte and no character
     * has a byte in the ASCII range: then delimiters, names and folds can be found on bytes.
     * UTF-8 and the single-byte ASCII supersets (ISO-8859-*, windows-125x, KOI8-R) qualify.
     */
    static boolean isAsciiTransparent(Charset charset) {
        if (charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.US_ASCII)) {
            return true;
        }
        if (!charset.canEncode() || charset.newEncoder().maxBytesPerChar() != 1.0f) {
            return false;
        }
        byte[] ascii = new byte[128];
        for (int i = 0; i < ascii.length; i++) {
            ascii[i] = (byte) i;
        }
        String decoded = new String(ascii, charset);
        if (decoded.length() != ascii.length) {
            return false;
        }
        for (int i = 0; i < ascii.length; i++) {
            if (decoded.charAt(i) != i) {
                return false;
            }
        }
        return true;
    }

    /** The property name (upper-cased ASCII), or empty when the line does not start with one. */
    private static String asciiName(byte[] line) {
        int end = 0;
        while (end < line.length && isNameByte(line[end])) {
            end++;
        }
        if (end == 0 || end == line.length || (line[end] != ';' && line[end] != ':')) {
            return "";
        }
        return new String(line, 0, end, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    }

    /** RFC 5545 §3.1 iana-token and x-name: ALPHA, DIGIT and "-". */
    private static boolean isNameByte(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-';
    }

    /** A cheap test that the line may carry SENT-BY, DELEGATED-* or EMAIL, so that most lines are never decoded. */
    private static boolean mayHaveAddressParameter(byte[] line) {
        for (byte[] trigger : PARAMETER_TRIGGERS) {
            if (containsIgnoringAsciiCase(line, trigger)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsIgnoringAsciiCase(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                byte b = haystack[i + j];
                if (b >= 'a' && b <= 'z') {
                    b -= 'a' - 'A';
                }
                if (b != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static Optional<String> decode(byte[] bytes, Charset charset) {
        try {
            return Optional.of(charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static LineEdit editLine(String line, boolean addressProperty, AddressMapper mapper, String context,
                                     List<Replacement> replacements) {
        ParsedLine parsed = ParsedLine.parse(line, true);
        if (parsed.failure() != null) {
            ParsedLine strict = ParsedLine.parse(line, false);
            if (strict.failure() != null) {
                return LineEdit.failed(parsed.failure(), false);
            }
            parsed = strict;
        }
        if (addressProperty && addressIn(valueAddressText(line, parsed.valueStart())).isEmpty()) {
            int colon = ParsedLine.lastMailtoColon(line);
            if (colon >= parsed.valueStart()) {
                ParsedLine reparsed = ParsedLine.parse(line, false, colon);
                if (reparsed.failure() == null) {
                    parsed = reparsed;
                }
            }
        }
        List<Edit> edits = new ArrayList<>();
        List<Address[]> mapped = new ArrayList<>();
        String propertyName = parsed.name();
        if (addressProperty) {
            Optional<Edit> edit = addressEdit(line, parsed.valueStart(), line.length(), mapper, mapped,
                context + " " + propertyName, replacements);
            edit.ifPresent(edits::add);
        }
        for (ParsedLine.Parameter parameter : parsed.parameters()) {
            String upper = parameter.name().toUpperCase(Locale.ROOT);
            if (!ADDRESS_LIST_PARAMETERS.contains(upper) && !upper.equals(EMAIL)) {
                continue;
            }
            for (ParsedLine.Value value : parameter.values()) {
                Optional<Edit> edit = addressEdit(line, value.start(), value.end(), mapper, mapped,
                    context + " " + propertyName + ";" + parameter.name(), replacements);
                if (edit.isPresent()) {
                    Optional<String> unsafe = unsafeInParameter(edit.get().text, value.quoted());
                    if (unsafe.isPresent()) {
                        return LineEdit.failed(unsafe.get(), true);
                    }
                    edits.add(edit.get());
                }
            }
        }
        if (edits.isEmpty()) {
            return LineEdit.unchanged();
        }
        for (ParsedLine.Parameter parameter : parsed.parameters()) {
            if (!parameter.name().equalsIgnoreCase(CN)) {
                continue;
            }
            for (ParsedLine.Value value : parameter.values()) {
                Optional<Edit> edit = commonNameEdit(line, value, mapped);
                if (edit.isPresent()) {
                    Optional<String> unsafe = unsafeInParameter(edit.get().text, value.quoted());
                    if (unsafe.isPresent()) {
                        return LineEdit.failed(unsafe.get(), true);
                    }
                    edits.add(edit.get());
                }
            }
        }
        edits.sort((a, b) -> Integer.compare(a.start, b.start));
        StringBuilder result = new StringBuilder(line.length() + 32);
        int copied = 0;
        for (Edit edit : edits) {
            result.append(line, copied, edit.start).append(edit.text);
            copied = edit.end;
        }
        result.append(line, copied, line.length());
        return LineEdit.changed(result.toString());
    }

    /**
     * The edit replacing the address in {@code line[start, end)}: optional spaces, any number
     * of {@code mailto:} schemes (any case), the address, optional spaces.
     */
    private static Optional<Edit> addressEdit(String line, int start, int end, AddressMapper mapper,
                                              List<Address[]> mapped, String fieldName, List<Replacement> replacements) {
        int from = start;
        while (from < end && (line.charAt(from) == ' ' || line.charAt(from) == '\t')) {
            from++;
        }
        while (end - from >= MAILTO.length() && line.regionMatches(true, from, MAILTO, 0, MAILTO.length())) {
            from += MAILTO.length();
        }
        int to = end;
        while (to > from && (line.charAt(to - 1) == ' ' || line.charAt(to - 1) == '\t')) {
            to--;
        }
        String written = line.substring(from, to);
        Optional<Address> found = addressIn(written);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Optional<Address> replacement = mapper.replacementFor(found.get());
        if (replacement.isEmpty()) {
            return Optional.empty();
        }
        String after = replacement.get().toString();
        mapped.add(new Address[] {found.get(), replacement.get()});
        if (after.equals(written)) {
            return Optional.empty();
        }
        replacements.add(Replacement.of(fieldName, found.get(), replacement.get()));
        return Optional.of(new Edit(from, to, after));
    }

    /** The text an address would be in: the value without spaces and {@code mailto:} schemes around it. */
    private static String valueAddressText(String line, int start) {
        int from = start;
        int end = line.length();
        while (from < end && (line.charAt(from) == ' ' || line.charAt(from) == '\t')) {
            from++;
        }
        while (end - from >= MAILTO.length() && line.regionMatches(true, from, MAILTO, 0, MAILTO.length())) {
            from += MAILTO.length();
        }
        return line.substring(from).trim();
    }

    /** The address when {@code text} is exactly one addr-spec (no brackets, no spaces, no URI scheme). */
    private static Optional<Address> addressIn(String text) {
        if (text.isEmpty() || text.startsWith("<") || text.indexOf(':') >= 0) {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(Address.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The edit of a CN whose text is one of the old addresses replaced on this line (Outlook's single quotes allowed). */
    private static Optional<Edit> commonNameEdit(String line, ParsedLine.Value value, List<Address[]> mapped) {
        int start = value.start();
        int end = value.end();
        if (end - start >= 2 && line.charAt(start) == '\'' && line.charAt(end - 1) == '\'') {
            start++;
            end--;
        }
        Optional<Address> name = addressIn(line.substring(start, end));
        if (name.isEmpty()) {
            return Optional.empty();
        }
        for (Address[] pair : mapped) {
            if (pair[0].equals(name.get())) {
                String after = pair[1].toString();
                return after.equals(line.substring(start, end)) ? Optional.empty() : Optional.of(new Edit(start, end, after));
            }
        }
        return Optional.empty();
    }

    /** Why {@code text} cannot go into a parameter value quoted as found (RFC 5545 §3.1: no DQUOTE; ";:," need quotes). */
    private static Optional<String> unsafeInParameter(String text, boolean quoted) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c < ' ' || c == 127) {
                return Optional.of("the new address '" + text + "' cannot be written in a parameter value");
            }
            if (!quoted && (c == ';' || c == ':' || c == ',')) {
                return Optional.of("the new address '" + text + "' would need quotes in an unquoted parameter value");
            }
        }
        return Optional.empty();
    }

    private static String firstLineEnding(byte[] content) {
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                return i > 0 && content[i - 1] == '\r' ? "\r\n" : "\n";
            }
        }
        return "\r\n";
    }

    /**
     * The physical bytes of a changed logical line: folded (see the class comment) when the
     * original was folded or the new line is longer than 75 octets; empty when the charset
     * cannot encode it.
     */
    private static Optional<byte[]> physical(String text, ContentLine original, byte[] content, Charset charset,
                                             String defaultEnding) {
        CharsetEncoder encoder = charset.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[] whole;
        try {
            ByteBuffer buffer = encoder.encode(CharBuffer.wrap(text));
            whole = new byte[buffer.remaining()];
            buffer.get(whole);
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        String lastEnding = original.lastLineEnding(content);
        ByteArrayOutputStream out = new ByteArrayOutputStream(whole.length + 16);
        if (!original.isFolded() && whole.length <= MAX_LINE_OCTETS) {
            out.write(whole, 0, whole.length);
            writeAscii(out, lastEnding);
            return Optional.of(out.toByteArray());
        }
        String foldEnding = original.firstLineEnding(content);
        if (foldEnding.isEmpty()) {
            foldEnding = defaultEnding;
        }
        byte fold = original.foldCharacter(content);
        int lineOctets = 0;
        int position = 0;
        while (position < text.length()) {
            int codePoint = text.codePointAt(position);
            int next = position + Character.charCount(codePoint);
            byte[] character = text.substring(position, next).getBytes(charset);
            // Never fold right after a bare CR: with an LF line end it would read back as CRLF.
            boolean afterCr = position > 0 && text.charAt(position - 1) == '\r';
            if (lineOctets > 0 && lineOctets + character.length > MAX_LINE_OCTETS && !afterCr) {
                writeAscii(out, foldEnding);
                out.write(fold);
                lineOctets = 1;
            }
            out.write(character, 0, character.length);
            lineOctets += character.length;
            position = next;
        }
        writeAscii(out, lastEnding);
        return Optional.of(out.toByteArray());
    }

    private static void writeAscii(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes, 0, bytes.length);
    }

    private static final class Edit {
        private final int start;
        private final int end;
        private final String text;

        Edit(int start, int end, String text) {
            this.start = start;
            this.end = end;
            this.text = text;
        }
    }

    /** The outcome for one line: unchanged, changed (text), or failed (reason). */
    private static final class LineEdit {
        private final String text;
        private final String failure;
        /** True when the failure concerns an address that needed a rewrite, so it matters even on a line we do not know. */
        private final boolean failureMatters;

        private LineEdit(String text, String failure, boolean failureMatters) {
            this.text = text;
            this.failure = failure;
            this.failureMatters = failureMatters;
        }

        static LineEdit unchanged() {
            return new LineEdit(null, null, false);
        }

        static LineEdit changed(String text) {
            return new LineEdit(text, null, false);
        }

        static LineEdit failed(String reason, boolean matters) {
            return new LineEdit(null, reason, matters);
        }
    }
}
