package org.t2trewrite.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.t2trewrite.core.Domain;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;

/**
 * Makes DKIM-Signature fields (RFC 6376 §3.5) for a message given as header fields and a body
 * whose lines end in CRLF: relaxed/relaxed canonicalisation, SHA-256, one field per key. The body
 * hash is computed once and shared by every key, so a second key costs only one more
 * header-hash signature.
 *
 * <p>Pure: no I/O, no mail API. Does not decide which keys or which message; does not change the
 * message (the caller prepends the fields). Thread safe.
 */
final class DkimSigner {
    private static final String FIELD_NAME = "DKIM-Signature";
    private static final int LINE = 76;
    private static final String FOLD = "\r\n\t";

    private final SignedHeaders signedHeaders;

    DkimSigner(SignedHeaders signedHeaders) {
        this.signedHeaders = Objects.requireNonNull(signedHeaders, "signedHeaders");
    }

    /**
     * @param fields the message's header fields (existing signatures already dropped as wanted)
     * @param body the body exactly as it will travel, every line ending in CRLF ({@link Crlf});
     *        empty for a message with no body, including one that had no empty line after its
     *        header (the installed message gets that line): {@code bh=} is then SHA-256 of nothing
     * @param domain the {@code d=} domain; every key must belong to it
     * @param timestamp the {@code t=} value
     * @return one {@code DKIM-Signature} field per key, each ending in CRLF, in key order
     */
    List<byte[]> sign(HeaderSection fields, byte[] body, Domain domain, List<DkimKey> keys, Instant timestamp) {
        String bodyHash = Base64.getEncoder().encodeToString(RelaxedCanonicalization.bodyHash(body));
        List<String> names = signedHeaders.select(fields);
        byte[] signedFields = canonicalSignedFields(fields, names);
        List<byte[]> signatures = new ArrayList<>(keys.size());
        for (DkimKey key : keys) {
            if (!key.name().domain().equals(domain)) {
                throw new IllegalArgumentException("key " + key + " does not belong to " + domain);
            }
            String unsigned = unsignedField(key, domain, names, bodyHash, timestamp);
            ByteArrayOutputStream data = new ByteArrayOutputStream(signedFields.length + unsigned.length());
            data.writeBytes(signedFields);
            // §3.7: the signature field itself, b= empty, canonicalised, without its final CRLF.
            RelaxedCanonicalization.header(unsigned.getBytes(StandardCharsets.US_ASCII), false, data);
            String b = Base64.getEncoder().encodeToString(key.sign(data.toByteArray()));
            signatures.add((unsigned + fold(b, lastLineLength(unsigned)) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        return signatures;
    }

    /** §5.4.2: each name selects the next instance from the bottom; a name with none left selects nothing. */
    private static byte[] canonicalSignedFields(HeaderSection fields, List<String> names) {
        Map<String, Integer> used = new HashMap<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        for (String name : names) {
            List<HeaderField> instances = fields.fields(name);
            int alreadyUsed = used.getOrDefault(name, 0);
            if (alreadyUsed < instances.size()) {
                HeaderField field = instances.get(instances.size() - 1 - alreadyUsed);
                RelaxedCanonicalization.header(withoutLineEnding(field.rawBytes()), true, out);
            }
            used.put(name, alreadyUsed + 1);
        }
        return out.toByteArray();
    }

    private static byte[] withoutLineEnding(byte[] raw) {
        int end = raw.length;
        while (end > 0 && (raw[end - 1] == '\r' || raw[end - 1] == '\n')) {
            end--;
        }
        return end == raw.length ? raw : Arrays.copyOf(raw, end);
    }

    /** The field up to and including {@code b=}: exactly the bytes that precede the signature value. */
    private static String unsignedField(DkimKey key, Domain domain, List<String> names, String bodyHash, Instant timestamp) {
        StringBuilder field = new StringBuilder(512);
        field.append(FIELD_NAME).append(": v=1; a=").append(key.algorithm().tag())
            .append("; c=relaxed/relaxed; d=").append(domain.key()).append(';')
            .append(FOLD).append("s=").append(key.name().selector().value())
            .append("; t=").append(timestamp.getEpochSecond()).append(';')
            .append(FOLD).append("h=");
        int lineLength = 3;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String separator = i == 0 ? "" : ":";
            if (lineLength + separator.length() + name.length() > LINE) {
                // FWS is allowed around the colons of h= (§3.5).
                field.append(FOLD);
                lineLength = 1;
            }
            field.append(separator).append(name);
            lineLength += separator.length() + name.length();
        }
        field.append(';').append(FOLD).append("bh=").append(bodyHash).append(';')
            .append(FOLD).append("b=");
        return field.toString();
    }

    private static int lastLineLength(String text) {
        return text.length() - text.lastIndexOf('\n');
    }

    /** Folds base64 (FWS is allowed between its characters, §3.5) to keep lines under 78. */
    private static String fold(String base64, int firstLineUsed) {
        StringBuilder folded = new StringBuilder(base64.length() + 16);
        int room = LINE - firstLineUsed;
        int i = 0;
        while (i < base64.length()) {
            int end = Math.min(base64.length(), i + Math.max(room, 1));
            if (i > 0) {
                folded.append(FOLD);
            }
            folded.append(base64, i, end);
            i = end;
            room = LINE - 1;
        }
        return folded.toString();
    }
}
