package org.t2trewrite.core.calendar;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One random change to real calendar or message bytes, of the kinds mail suffers on its way:
 * folds in odd places, stray bytes, truncation, line ends converted in part.
 */
final class Mutation {
    private static final byte[][] INSERTS = {
        {'\r', '\n', ' '}, {'\n', '\t'}, {'\r'}, {';'}, {':'}, {','}, {'"'}, {'='}, {'\r', '\n'}, {(byte) 0xce}};

    private final int kind;
    private final int position;
    private final byte value;

    private Mutation(int kind, int position, byte value) {
        this.kind = kind;
        this.position = position;
        this.value = value;
    }

    static Arbitrary<Mutation> any() {
        return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 1 << 20),
            Arbitraries.bytes()).as(Mutation::new);
    }

    static byte[] applyAll(byte[] input, List<Mutation> mutations) {
        byte[] bytes = input;
        for (Mutation mutation : mutations) {
            bytes = mutation.apply(bytes);
        }
        return bytes;
    }

    byte[] apply(byte[] bytes) {
        if (bytes.length == 0) {
            return bytes;
        }
        int at = position % bytes.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 4);
        switch (kind) {
            case 0:
                byte[] insert = INSERTS[(value & 0xff) % INSERTS.length];
                out.write(bytes, 0, at);
                out.write(insert, 0, insert.length);
                out.write(bytes, at, bytes.length - at);
                return out.toByteArray();
            case 1:
                byte[] changed = bytes.clone();
                changed[at] = value;
                return changed;
            case 2:
                return Arrays.copyOf(bytes, at);
            case 3:
                // CRLF -> LF from here on for a while: a spool converted part of the message.
                for (int i = 0; i < bytes.length; i++) {
                    if (i >= at && i < at + 400 && bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                        continue;
                    }
                    out.write(bytes[i]);
                }
                return out.toByteArray();
            case 4:
                for (int i = 0; i < bytes.length; i++) {
                    if (i >= at && i < at + 400 && bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
                        out.write('\r');
                    }
                    out.write(bytes[i]);
                }
                return out.toByteArray();
            default:
                out.write(bytes, 0, at);
                out.write(bytes, at + 1, bytes.length - at - 1);
                return out.toByteArray();
        }
    }

    @Override
    public String toString() {
        return "Mutation{" + kind + "@" + position + "," + value + "}";
    }
}
