package org.t2trewrite.core.calendar;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An unfolded content line split into name, parameters and value (RFC 5545 §3.1), as spans
 * of the line's text so that edits can replace exactly the characters of an address.
 *
 * <p>{@code contentline = name *(";" param) ":" value}; a parameter value is a quoted string
 * (no escapes, no DQUOTE inside) or text up to {@code ;}, {@code :} or {@code ,}, and a
 * parameter may hold a comma-separated list. In the lenient reading an unquoted value that
 * starts with {@code mailto:} keeps that colon (Tine 2.0's {@code SENT-BY=mailto:x}); the
 * editor falls back to the strict reading when the lenient one leaves no value colon. When
 * neither finds an address in an address property's value, the editor tries the last
 * {@code :mailto:} outside quotes as the value's colon, so that an unquoted
 * {@code X-URL=http://x} before the value does not hide the address.
 */
final class ParsedLine {
    private static final String MAILTO = "mailto:";

    private final String name;
    private final List<Parameter> parameters;
    private final int valueStart;
    private final String failure;

    private ParsedLine(String name, List<Parameter> parameters, int valueStart, String failure) {
        this.name = name;
        this.parameters = parameters;
        this.valueStart = valueStart;
        this.failure = failure;
    }

    static ParsedLine parse(String line, boolean lenient) {
        return parse(line, lenient, -1);
    }

    /**
     * Parses with the value's colon fixed at {@code valueColon} (or found as usual when -1):
     * unquoted parameter values may then hold other colons ({@code X-URL=http://x}).
     */
    static ParsedLine parse(String line, boolean lenient, int valueColon) {
        int length = line.length();
        int position = 0;
        while (position < length && line.charAt(position) != ';' && line.charAt(position) != ':') {
            position++;
        }
        if (position == 0 || position == length) {
            return failed("not a content line (no name or no ':')");
        }
        String name = line.substring(0, position);
        List<Parameter> parameters = new ArrayList<>();
        while (position < length && line.charAt(position) == ';') {
            int nameStart = position + 1;
            int equals = nameStart;
            while (equals < length && "=;:\"".indexOf(line.charAt(equals)) < 0) {
                equals++;
            }
            if (equals == length || line.charAt(equals) != '=' || equals == nameStart) {
                return failed("parameter without '=' after ';'");
            }
            String parameterName = line.substring(nameStart, equals);
            List<Value> values = new ArrayList<>();
            position = equals + 1;
            while (true) {
                if (position < length && line.charAt(position) == '"') {
                    int close = line.indexOf('"', position + 1);
                    if (close < 0) {
                        return failed("unterminated quoted parameter value");
                    }
                    values.add(new Value(position + 1, close, true));
                    position = close + 1;
                    if (position < length && ";:,".indexOf(line.charAt(position)) < 0) {
                        return failed("text after a quoted parameter value");
                    }
                } else {
                    int start = position;
                    if (lenient) {
                        while (length - position >= MAILTO.length()
                            && line.regionMatches(true, position, MAILTO, 0, MAILTO.length())) {
                            position += MAILTO.length();
                        }
                    }
                    while (position < length && ";:,\"".indexOf(line.charAt(position)) < 0
                        || (position < length && line.charAt(position) == ':' && valueColon >= 0 && position < valueColon)) {
                        position++;
                    }
                    if (position < length && line.charAt(position) == '"') {
                        return failed("DQUOTE inside an unquoted parameter value");
                    }
                    values.add(new Value(start, position, false));
                }
                if (position < length && line.charAt(position) == ',') {
                    position++;
                    continue;
                }
                break;
            }
            parameters.add(new Parameter(parameterName, Collections.unmodifiableList(values)));
        }
        if (position >= length || line.charAt(position) != ':' || (valueColon >= 0 && position != valueColon)) {
            return failed("no ':' before the value");
        }
        return new ParsedLine(name, Collections.unmodifiableList(parameters), position + 1, null);
    }

    /** The index of the last {@code :mailto:} (any case) outside quotes, or -1. */
    static int lastMailtoColon(String line) {
        int found = -1;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ':' && !quoted && line.regionMatches(true, i + 1, MAILTO, 0, MAILTO.length())) {
                found = i;
            }
        }
        return found;
    }

    private static ParsedLine failed(String reason) {
        return new ParsedLine("", List.of(), 0, reason);
    }

    String name() {
        return name;
    }

    List<Parameter> parameters() {
        return parameters;
    }

    /** The index of the first value character, after the value's ':'. */
    int valueStart() {
        return valueStart;
    }

    /** Why the line does not parse, or null. */
    String failure() {
        return failure;
    }

    static final class Parameter {
        private final String name;
        private final List<Value> values;

        Parameter(String name, List<Value> values) {
            this.name = name;
            this.values = values;
        }

        String name() {
            return name;
        }

        List<Value> values() {
            return values;
        }
    }

    /** One parameter value: the span of its text, quotes excluded. */
    static final class Value {
        private final int start;
        private final int end;
        private final boolean quoted;

        Value(int start, int end, boolean quoted) {
            this.start = start;
            this.end = end;
            this.quoted = quoted;
        }

        int start() {
            return start;
        }

        int end() {
            return end;
        }

        boolean quoted() {
            return quoted;
        }
    }
}
