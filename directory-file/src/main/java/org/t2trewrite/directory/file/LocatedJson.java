package org.t2trewrite.directory.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * Reads a JSON document into a small tree in which every value and every object key remembers
 * the line and column where it starts. Jackson's own tree ({@code JsonNode}) drops locations,
 * and the directory file's error messages must point at the offending line.
 *
 * <p>Strict: UTF-8 only (RFC 8259 section 8.1; a leading byte order mark is ignored, as that
 * section allows), no comments, one top-level value, no key twice in one object (RFC 8259
 * section 4 leaves duplicate names to the implementation: for a configuration file, the second
 * silently winning would hide a mistake). Does not interpret the values: see
 * {@link DirectoryFile} for the schema.
 */
final class LocatedJson {
    /**
     * Deep enough for any sane directory file (which needs 4 levels); stops a pathological file
     * from overflowing the stack of the recursive reader.
     */
    private static final int MAX_DEPTH = 32;
    /** Jackson's way of citing a location inside a message, for example an unclosed object's start. */
    private static final Pattern JACKSON_LOCATION = Pattern.compile("\\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]");
    /** Without the source in locations: Jackson would quote up to 500 characters of the file in messages. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
        .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        .build();

    enum Kind {
        OBJECT("an object"),
        ARRAY("an array"),
        STRING("a string"),
        NUMBER("a number"),
        BOOLEAN("a boolean"),
        NULL("null");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    /** A JSON value and where it starts. Members for objects, elements for arrays, text for scalars. */
    static final class Value {
        private final Kind kind;
        private final int line;
        private final int column;
        private final Map<String, Member> members;
        private final List<Value> elements;
        private final String text;

        private Value(Kind kind, int line, int column, Map<String, Member> members, List<Value> elements, String text) {
            this.kind = kind;
            this.line = line;
            this.column = column;
            this.members = members;
            this.elements = elements;
            this.text = text;
        }

        Kind kind() {
            return kind;
        }

        int line() {
            return line;
        }

        int column() {
            return column;
        }

        /** The members of an object in file order; empty for anything else. */
        Map<String, Member> members() {
            return members;
        }

        /** The elements of an array in file order; empty for anything else. */
        List<Value> elements() {
            return elements;
        }

        /** The text of a string, number or boolean; empty for objects, arrays and null. */
        String text() {
            return text;
        }
    }

    /** An object's key, where the key starts, and its value. */
    static final class Member {
        private final String key;
        private final int line;
        private final int column;
        private final Value value;

        private Member(String key, int line, int column, Value value) {
            this.key = key;
            this.line = line;
            this.column = column;
            this.value = value;
        }

        String key() {
            return key;
        }

        int line() {
            return line;
        }

        int column() {
            return column;
        }

        Value value() {
            return value;
        }
    }

    private LocatedJson() {
    }

    static Value read(String name, byte[] content) throws InvalidDirectoryFileException {
        String text = decodeUtf8(name, content);
        if (text.startsWith("\uFEFF")) {
            // A space keeps the columns of line 1 as an editor shows them.
            text = " " + text.substring(1);
        }
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() == null) {
                throw new InvalidDirectoryFileException(name, 1, 1, "the file is empty; expected a JSON object");
            }
            Value root = readValue(name, parser, 0);
            if (parser.nextToken() != null) {
                JsonLocation location = parser.getTokenLocation();
                throw new InvalidDirectoryFileException(name, location.getLineNr(), location.getColumnNr(),
                    "malformed JSON: more content after the end of the top-level value");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            int line = location == null ? 1 : Math.max(1, location.getLineNr());
            int column = location == null ? 1 : Math.max(1, location.getColumnNr());
            throw new InvalidDirectoryFileException(name, line, column, "malformed JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            // Parsing a String does no I/O.
            throw new UncheckedIOException(e);
        }
    }

    private static Value readValue(String name, JsonParser parser, int depth) throws IOException, InvalidDirectoryFileException {
        JsonLocation start = parser.getTokenLocation();
        int line = start.getLineNr();
        int column = start.getColumnNr();
        if (depth > MAX_DEPTH) {
            throw new InvalidDirectoryFileException(name, line, column, "values nested deeper than " + MAX_DEPTH + " levels");
        }
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT:
                return new Value(Kind.OBJECT, line, column, readMembers(name, parser, depth), Collections.emptyList(), "");
            case START_ARRAY:
                List<Value> elements = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    elements.add(readValue(name, parser, depth + 1));
                }
                return new Value(Kind.ARRAY, line, column, Collections.emptyMap(), Collections.unmodifiableList(elements), "");
            case VALUE_STRING:
                return scalar(Kind.STRING, line, column, parser.getText());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return scalar(Kind.NUMBER, line, column, parser.getText());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return scalar(Kind.BOOLEAN, line, column, parser.getText());
            case VALUE_NULL:
                return scalar(Kind.NULL, line, column, "");
            default:
                // The parser only hands out the tokens above at the start of a value.
                throw new IllegalStateException("unexpected token " + token + " at " + line + ":" + column);
        }
    }

    private static Map<String, Member> readMembers(String name, JsonParser parser, int depth)
        throws IOException, InvalidDirectoryFileException {
        Map<String, Member> members = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.getCurrentName();
            JsonLocation keyLocation = parser.getTokenLocation();
            Member previous = members.get(key);
            if (previous != null) {
                throw new InvalidDirectoryFileException(name, keyLocation.getLineNr(), keyLocation.getColumnNr(),
                    "key \"" + key + "\" appears twice in the same object (first at line " + previous.line() + ")");
            }
            parser.nextToken();
            Value value = readValue(name, parser, depth + 1);
            members.put(key, new Member(key, keyLocation.getLineNr(), keyLocation.getColumnNr(), value));
        }
        return Collections.unmodifiableMap(members);
    }

    private static Value scalar(Kind kind, int line, int column, String text) {
        return new Value(kind, line, column, Collections.emptyMap(), Collections.emptyList(), text);
    }

    private static String decodeUtf8(String name, byte[] content) throws InvalidDirectoryFileException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        // UTF-8 never decodes to more UTF-16 units than it has bytes.
        CharBuffer out = CharBuffer.allocate(content.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < offset; i++) {
                if (content[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            // The bytes before the bad one on its line decoded fine: count them as characters.
            int column = new String(content, lineStart, offset - lineStart, StandardCharsets.UTF_8).length() + 1;
            throw new InvalidDirectoryFileException(name, line, column,
                "not UTF-8: invalid byte sequence (RFC 8259 requires UTF-8)");
        }
        out.flip();
        return out.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return JACKSON_LOCATION.matcher(line).replaceAll("line $1, column $2");
    }
}
