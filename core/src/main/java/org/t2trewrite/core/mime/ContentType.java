package org.t2trewrite.core.mime;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed {@code Content-Type} (RFC 2045 §5.1): {@code type/subtype} lower-cased, and its
 * parameters with lower-cased names and values as written (quotes and quoted-pairs removed).
 *
 * <p>Parsing is tolerant and never throws, because it reads mail: whitespace and folding
 * anywhere, a missing value, a stray {@code ;}, a last quoted value without its closing quote
 * (taken up to the end). A value that has no {@code type/subtype} is {@code text/plain}, as
 * RFC 2045 §5.2 says a receiver must assume. The first of repeated parameters wins.
 *
 * <p>Does not decode RFC 2231 parameter continuations or charsets ({@code name*0*=}), and
 * drops RFC 822 comments only where a whole parameter is a comment: nothing a calendar
 * rewrite needs (the boundary, charset, method and name are plain tokens or quoted strings
 * in the mail we see).
 */
public final class ContentType {
    private static final ContentType TEXT_PLAIN = new ContentType("text", "plain", Map.of());

    private final String type;
    private final String subtype;
    private final Map<String, String> parameters;

    private ContentType(String type, String subtype, Map<String, String> parameters) {
        this.type = type;
        this.subtype = subtype;
        this.parameters = parameters;
    }

    /** {@code text/plain} without parameters: what a part without a Content-Type is (RFC 2045 §5.2). */
    public static ContentType textPlain() {
        return TEXT_PLAIN;
    }

    /** The type of a part without Content-Type inside multipart/digest (RFC 2046 §5.1.5). */
    static ContentType messageRfc822() {
        return new ContentType("message", "rfc822", Map.of());
    }

    /** Parses a Content-Type field value; {@code text/plain} when it has no {@code type/subtype}. */
    public static ContentType parse(String value) {
        Objects.requireNonNull(value, "value");
        String text = value.replace("\r", "").replace("\n", "");
        int semicolon = text.indexOf(';');
        String media = (semicolon < 0 ? text : text.substring(0, semicolon)).trim();
        int slash = media.indexOf('/');
        if (slash <= 0 || slash == media.length() - 1) {
            return TEXT_PLAIN;
        }
        String type = media.substring(0, slash).trim().toLowerCase(Locale.ROOT);
        String subtype = media.substring(slash + 1).trim().toLowerCase(Locale.ROOT);
        if (type.isEmpty() || subtype.isEmpty() || !isToken(type) || !isToken(subtype)) {
            return TEXT_PLAIN;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (semicolon >= 0) {
            parseParameters(text, semicolon + 1, parameters);
        }
        return new ContentType(type, subtype, Map.copyOf(parameters));
    }

    /** The parameter {@code name} of another MIME field with parameters (Content-Disposition's filename). */
    static Optional<String> parameterOf(String fieldValue, String name) {
        String text = fieldValue.replace("\r", "").replace("\n", "");
        int semicolon = text.indexOf(';');
        if (semicolon < 0) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parseParameters(text, semicolon + 1, parameters);
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    private static void parseParameters(String text, int from, Map<String, String> parameters) {
        int position = from;
        int length = text.length();
        while (position < length) {
            int equals = text.indexOf('=', position);
            int semicolon = text.indexOf(';', position);
            if (equals < 0 || (semicolon >= 0 && semicolon < equals)) {
                if (semicolon < 0) {
                    return;
                }
                position = semicolon + 1;
                continue;
            }
            String name = text.substring(position, equals).trim().toLowerCase(Locale.ROOT);
            position = equals + 1;
            while (position < length && (text.charAt(position) == ' ' || text.charAt(position) == '\t')) {
                position++;
            }
            StringBuilder parameterValue = new StringBuilder();
            if (position < length && text.charAt(position) == '"') {
                position++;
                while (position < length && text.charAt(position) != '"') {
                    char c = text.charAt(position);
                    if (c == '\\' && position + 1 < length) {
                        position++;
                        c = text.charAt(position);
                    }
                    parameterValue.append(c);
                    position++;
                }
                int next = text.indexOf(';', position);
                position = next < 0 ? length : next + 1;
            } else {
                int next = text.indexOf(';', position);
                int valueEnd = next < 0 ? length : next;
                parameterValue.append(text, position, valueEnd);
                position = next < 0 ? length : next + 1;
            }
            if (!name.isEmpty() && !parameters.containsKey(name)) {
                parameters.put(name, parameterValue.toString().trim());
            }
        }
    }

    private static boolean isToken(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The type, lower-cased: {@code text}, {@code multipart}, ... */
    public String type() {
        return type;
    }

    /** The subtype, lower-cased: {@code calendar}, {@code mixed}, ... */
    public String subtype() {
        return subtype;
    }

    /** {@code type/subtype}, lower-cased. */
    public String mediaType() {
        return type + "/" + subtype;
    }

    public boolean isMultipart() {
        return type.equals("multipart");
    }

    /** A parameter's value by name (case-insensitive), unquoted. */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContentType && ((ContentType) o).type.equals(type) && ((ContentType) o).subtype.equals(subtype)
            && ((ContentType) o).parameters.equals(parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, subtype, parameters);
    }

    @Override
    public String toString() {
        return mediaType() + parameters;
    }
}
