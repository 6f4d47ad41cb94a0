package org.t2trewrite.core.header;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.t2trewrite.core.Address;

/**
 * Finds the mailboxes in an address-list or mailbox-list header field value (RFC 5322 §3.4:
 * {@code From}, {@code To}, {@code Cc}, {@code Reply-To}, ...), with the byte span of each
 * addr-spec, working on the raw bytes so that callers can replace exactly those bytes.
 *
 * <p>Accepts what real mail carries: display names as atoms, quoted strings (RFC 6532 UTF-8
 * and legacy 8-bit bytes too) and RFC 2047 encoded words, which are single tokens even when
 * they contain {@code @} or {@code <}; comments anywhere, nested, with quoted-pair escapes;
 * folding and tabs between tokens; groups ({@code Team: a@x, b@y;}, {@code undisclosed-recipients:;},
 * a missing final {@code ;}); obsolete routes ({@code <@relay:a@x>}); empty list elements
 * ({@code a@x,,b@y}); {@code <>}; a display name that is itself an address ({@code a@x <a@x>});
 * {@code [tags]} and dots in display names.
 *
 * <p>Rejects, with a reason, what it cannot read with certainty: unbalanced quotes, comments,
 * domain literals or angle brackets, an {@code @} that is not part of one addr-spec, words
 * without an address, a group inside a group. Does not decode encoded words, unescape quoted
 * strings, or check that domains exist. Single pass over the bytes, then over the tokens: no
 * regular expressions, no backtracking.
 */
public final class AddressHeaderParser {
    private static final int ATOM = -1;
    private static final int QUOTED = -2;
    private static final int LITERAL = -3;
    private static final int END = -4;

    private AddressHeaderParser() {
    }

    /** Parses the value of {@code field}; offsets in the result count from the start of the field. */
    public static AddressParse parse(HeaderField field) {
        Objects.requireNonNull(field, "field");
        if (field.isOpaque()) {
            return AddressParse.failed("not a 'name: value' header field");
        }
        return parse(field.buffer(), field.valueOffset(), field.endOffset(), field.offset());
    }

    /**
     * Parses a field value given as text (e.g. as JavaMail returns it); offsets in the result
     * count bytes of the value's UTF-8 encoding.
     */
    public static AddressParse parseValue(String value) {
        Objects.requireNonNull(value, "value");
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return parse(bytes, 0, bytes.length, 0);
    }

    private static AddressParse parse(byte[] bytes, int from, int to, int base) {
        try {
            Tokens tokens = Tokens.scan(bytes, from, to);
            return AddressParse.parsed(new Parser(bytes, tokens, base, from).addressList());
        } catch (Failure failure) {
            return AddressParse.failed(failure.getMessage());
        }
    }

    /** The reason a value did not parse; a control-flow exception, so no stack trace. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The value as tokens: atoms, quoted strings, domain literals and specials; comments and whitespace dropped. */
    private static final class Tokens {
        private int[] types = new int[16];
        private int[] starts = new int[16];
        private int[] ends = new int[16];
        private int count;

        static Tokens scan(byte[] bytes, int from, int to) throws Failure {
            Tokens tokens = new Tokens();
            int i = from;
            while (i < to) {
                int b = bytes[i] & 0xff;
                if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                    i++;
                } else if (b == '(') {
                    i = skipComment(bytes, i, to, from);
                } else if (b == ')') {
                    throw new Failure("unbalanced ')' at value offset " + (i - from));
                } else if (b == '"') {
                    int end = skipQuoted(bytes, i, to, from);
                    tokens.add(QUOTED, i, end);
                    i = end;
                } else if (b == '[') {
                    int end = skipLiteral(bytes, i, to, from);
                    tokens.add(LITERAL, i, end);
                    i = end;
                } else if (isSpecial(b)) {
                    tokens.add(b, i, i + 1);
                    i++;
                } else {
                    int end = skipAtom(bytes, i, to);
                    tokens.add(ATOM, i, end);
                    i = end;
                }
            }
            return tokens;
        }

        private void add(int type, int start, int end) {
            if (count == types.length) {
                types = Arrays.copyOf(types, count * 2);
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            types[count] = type;
            starts[count] = start;
            ends[count] = end;
            count++;
        }

        int type(int index) {
            return index < count ? types[index] : END;
        }

        /** RFC 5322 §3.2.3 specials other than the openers handled by the scanner. */
        private static boolean isSpecial(int b) {
            return b == '<' || b == '>' || b == ':' || b == ';' || b == '@' || b == ',' || b == '.'
                || b == '\\' || b == ']';
        }

        /**
         * atext, tolerantly: every byte that is not whitespace or a special. Bytes of 0x80 and
         * above are UTF-8 (RFC 6532 §3.2) or legacy 8-bit; control characters are carried along
         * rather than refused, since a relay is not a validator.
         */
        private static boolean isAtomByte(int b) {
            return !(b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '(' || b == ')' || b == '"'
                || b == '[' || isSpecial(b));
        }

        private static int skipAtom(byte[] bytes, int start, int to) {
            int i = start;
            if (i + 1 < to && bytes[i] == '=' && bytes[i + 1] == '?') {
                int end = encodedWordEnd(bytes, i, to);
                if (end > 0) {
                    i = end;
                }
            }
            while (i < to && isAtomByte(bytes[i] & 0xff)) {
                i++;
            }
            return i;
        }

        /**
         * The end of an RFC 2047 §2 encoded word {@code =?charset?encoding?text?=} starting at
         * {@code start}, or -1. The whole word is one token, so an {@code @} or {@code <} inside
         * its text never makes an address (RFC 2047 §5 forbids them in phrases, but they are
         * seen).
         */
        private static int encodedWordEnd(byte[] bytes, int start, int to) {
            int i = start + 2;
            int charsetStart = i;
            while (i < to && isEncodedWordTokenByte(bytes[i] & 0xff)) {
                i++;
            }
            if (i == charsetStart || i >= to || bytes[i] != '?') {
                return -1;
            }
            i++;
            int encodingStart = i;
            while (i < to && isEncodedWordTokenByte(bytes[i] & 0xff)) {
                i++;
            }
            if (i == encodingStart || i >= to || bytes[i] != '?') {
                return -1;
            }
            i++;
            while (i < to && bytes[i] > ' ' && bytes[i] < 127 && bytes[i] != '?') {
                i++;
            }
            if (i + 1 < to && bytes[i] == '?' && bytes[i + 1] == '=') {
                return i + 2;
            }
            return -1;
        }

        /** RFC 2047 token: no SPACE, CTLs or especials. */
        private static boolean isEncodedWordTokenByte(int b) {
            return b > ' ' && b < 127 && "()<>@,;:\"/[]?.=".indexOf(b) < 0;
        }

        /** RFC 5322 §3.2.2: comments nest, and a quoted-pair escapes one byte. */
        private static int skipComment(byte[] bytes, int start, int to, int from) throws Failure {
            int depth = 0;
            int i = start;
            while (i < to) {
                byte b = bytes[i];
                if (b == '\\') {
                    i += 2;
                    continue;
                }
                if (b == '(') {
                    depth++;
                } else if (b == ')') {
                    depth--;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
                i++;
            }
            throw new Failure("unbalanced '(' at value offset " + (start - from));
        }

        private static int skipQuoted(byte[] bytes, int start, int to, int from) throws Failure {
            int i = start + 1;
            while (i < to) {
                byte b = bytes[i];
                if (b == '\\') {
                    i += 2;
                } else if (b == '"') {
                    return i + 1;
                } else {
                    i++;
                }
            }
            throw new Failure("unbalanced '\"' at value offset " + (start - from));
        }

        private static int skipLiteral(byte[] bytes, int start, int to, int from) throws Failure {
            int i = start + 1;
            while (i < to) {
                byte b = bytes[i];
                if (b == '\\') {
                    i += 2;
                } else if (b == ']') {
                    return i + 1;
                } else if (b == '[') {
                    break;
                } else {
                    i++;
                }
            }
            throw new Failure("unbalanced '[' at value offset " + (start - from));
        }
    }

    /** Recursive descent over the tokens (RFC 5322 §3.4 and §4.4 obsolete forms). */
    private static final class Parser {
        private final byte[] bytes;
        private final Tokens tokens;
        private final int base;
        private final int valueStart;
        private final List<FoundAddress> found = new ArrayList<>();
        private int pos;

        Parser(byte[] bytes, Tokens tokens, int base, int valueStart) {
            this.bytes = bytes;
            this.tokens = tokens;
            this.base = base;
            this.valueStart = valueStart;
        }

        List<FoundAddress> addressList() throws Failure {
            while (true) {
                element(false);
                if (pos >= tokens.count) {
                    return found;
                }
                if (tokens.type(pos) != ',') {
                    throw unexpected(pos);
                }
                pos++;
            }
        }

        /** One list element: empty (obs-addr-list), a mailbox, or (outside groups) a group. */
        private void element(boolean inGroup) throws Failure {
            int type = tokens.type(pos);
            if (type == END || type == ',' || (inGroup && type == ';')) {
                return;
            }
            int stop = skipWords(pos);
            int stopType = tokens.type(stop);
            if (stopType == '<') {
                nameAddr(pos, stop);
            } else if (stopType == ':') {
                if (inGroup) {
                    throw new Failure("group inside a group at value offset " + offset(stop));
                }
                group(pos, stop);
            } else {
                if (stop == pos) {
                    throw unexpected(pos);
                }
                FoundAddress spec = addrSpec(pos, stop, -1, -1);
                found.add(spec);
                pos = stop;
            }
        }

        /** Index of the first token from {@code from} that is not a word, dot, {@code @} or literal. */
        private int skipWords(int from) {
            int k = from;
            while (true) {
                int type = tokens.type(k);
                if (type == ATOM || type == QUOTED || type == LITERAL || type == '.' || type == '@') {
                    k++;
                } else {
                    return k;
                }
            }
        }

        private void group(int nameStart, int colon) throws Failure {
            for (int i = nameStart; i < colon; i++) {
                if (tokens.type(i) == '@') {
                    throw new Failure("'@' in a group name at value offset " + offset(i));
                }
            }
            pos = colon + 1;
            while (true) {
                element(true);
                int type = tokens.type(pos);
                if (type == END) {
                    // RFC 5322 requires the ';', but it is often missing at the end of a field.
                    return;
                }
                if (type == ';') {
                    pos++;
                    return;
                }
                if (type != ',') {
                    throw unexpected(pos);
                }
                pos++;
            }
        }

        private void nameAddr(int phraseStart, int open) throws Failure {
            int i = open + 1;
            if (tokens.type(i) == '@') {
                i = route(i);
            }
            if (tokens.type(i) == '>') {
                // "<>" (a null path written in a header): no mailbox to report.
                pos = i + 1;
                return;
            }
            int close = skipWords(i);
            int closeType = tokens.type(close);
            if (closeType == END) {
                throw new Failure("unbalanced '<' at value offset " + offset(open));
            }
            if (closeType != '>') {
                throw unexpected(close);
            }
            if (close == i) {
                throw unexpected(i);
            }
            found.add(addrSpec(i, close, phraseStart, open));
            pos = close + 1;
        }

        /** obs-route (RFC 5322 §4.4): {@code @domain *("," [@domain]) ":"}; kept as written, never rewritten. */
        private int route(int start) throws Failure {
            int i = start;
            while (true) {
                int type = tokens.type(i);
                if (type == '@' || type == ',' || type == '.' || type == ATOM || type == LITERAL) {
                    i++;
                } else if (type == ':') {
                    return i + 1;
                } else {
                    throw new Failure("bad route in '<...>' at value offset " + offset(start));
                }
            }
        }

        private FoundAddress addrSpec(int start, int end, int phraseStart, int phraseEnd) throws Failure {
            int at = -1;
            for (int i = start; i < end; i++) {
                if (tokens.type(i) == '@') {
                    if (at >= 0) {
                        throw new Failure("stray '@' at value offset " + offset(i));
                    }
                    at = i;
                }
            }
            if (at < 0) {
                throw new Failure("no address in '" + text(start, end) + "'");
            }
            if (at == start || at == end - 1) {
                throw new Failure("stray '@' at value offset " + offset(at));
            }
            checkDotted(start, at, true);
            if (!(at + 2 == end && tokens.type(at + 1) == LITERAL)) {
                checkDotted(at + 1, end, false);
            }
            String spec = joinedText(start, end);
            Address address;
            try {
                address = Address.parse(spec);
            } catch (IllegalArgumentException e) {
                throw new Failure(e.getMessage());
            }
            int spanStart = tokens.starts[start];
            int spanEnd = tokens.ends[end - 1];
            if (phraseStart < 0 || phraseStart == phraseEnd) {
                return new FoundAddress(address, spanStart - base, spanEnd - base, -1, -1, false, bytes, base);
            }
            int nameStart = tokens.starts[phraseStart];
            int nameEnd = tokens.ends[phraseEnd - 1];
            boolean quoted = phraseEnd - phraseStart == 1 && tokens.type(phraseStart) == QUOTED;
            return new FoundAddress(address, spanStart - base, spanEnd - base, nameStart - base, nameEnd - base,
                quoted, bytes, base);
        }

        /**
         * A dot-atom or obs-local-part / obs-domain: words separated by dots. Dots may lead, trail
         * or repeat in a local part ({@code a..b@x} exists in the wild); two words in a row
         * ({@code John Smith@x}) are not an address.
         */
        private void checkDotted(int start, int end, boolean localPart) throws Failure {
            boolean previousWord = false;
            for (int i = start; i < end; i++) {
                int type = tokens.type(i);
                boolean word = type == ATOM || (localPart && type == QUOTED);
                if (word) {
                    if (previousWord) {
                        throw new Failure("no address in '" + text(start, end) + "' (words without a dot)");
                    }
                    previousWord = true;
                } else if (type == '.') {
                    previousWord = false;
                } else {
                    throw new Failure("unexpected '" + text(i, i + 1) + "' in an address at value offset " + offset(i));
                }
            }
        }

        /** The addr-spec without the comments and whitespace between its tokens. */
        private String joinedText(int start, int end) {
            boolean contiguous = true;
            for (int i = start + 1; i < end && contiguous; i++) {
                contiguous = tokens.starts[i] == tokens.ends[i - 1];
            }
            if (contiguous) {
                return HeaderField.decode(bytes, tokens.starts[start], tokens.ends[end - 1]);
            }
            int length = 0;
            for (int i = start; i < end; i++) {
                length += tokens.ends[i] - tokens.starts[i];
            }
            byte[] joined = new byte[length];
            int position = 0;
            for (int i = start; i < end; i++) {
                int tokenLength = tokens.ends[i] - tokens.starts[i];
                System.arraycopy(bytes, tokens.starts[i], joined, position, tokenLength);
                position += tokenLength;
            }
            return HeaderField.decode(joined, 0, length);
        }

        private String text(int start, int end) {
            if (start >= tokens.count) {
                return "";
            }
            return HeaderField.decode(bytes, tokens.starts[start], tokens.ends[Math.min(end, tokens.count) - 1]);
        }

        private int offset(int token) {
            return (token < tokens.count ? tokens.starts[token] : tokens.ends[tokens.count - 1]) - valueStart;
        }

        private Failure unexpected(int token) {
            if (token >= tokens.count) {
                return new Failure("unexpected end of value");
            }
            return new Failure("unexpected '" + text(token, token + 1) + "' at value offset " + offset(token));
        }
    }
}
