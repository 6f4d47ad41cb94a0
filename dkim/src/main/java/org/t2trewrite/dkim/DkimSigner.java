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
    static final String FOLD = "\r\n\t";

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
            signatures.add(signatureField(FIELD_NAME, "v=1", signedFields, names, bodyHash, domain, key, timestamp));
        }
        return signatures;
    }

    /** The names of the fields {@link #sign} covers for a message with these fields, in {@code h=} order. */
    List<String> signedNames(HeaderSection fields) {
        return signedHeaders.select(fields);
    }

    /**
     * One signature field of the DKIM-Signature form (also RFC 8617's ARC-Message-Signature, whose
     * tags are DKIM's with {@code i=} for {@code v=}), ending in CRLF.
     *
     * @param firstTag the first tag, {@code v=1} or {@code i=N}
     * @param signedFields {@link #canonicalSignedFields} of {@code names}
     */
    static byte[] signatureField(String fieldName, String firstTag, byte[] signedFields, List<String> names,
                                 String bodyHash, Domain domain, DkimKey key, Instant timestamp) {
        if (!key.name().domain().equals(domain)) {
            throw new IllegalArgumentException("key " + key + " does not belong to " + domain);
        }
        String unsigned = unsignedField(fieldName, firstTag, key, domain, names, bodyHash, timestamp);
        ByteArrayOutputStream data = new ByteArrayOutputStream(signedFields.length + unsigned.length());
        data.writeBytes(signedFields);
        return signed(unsigned, data, key);
    }

    /**
     * Completes a field that ends in {@code b=}: §3.7, the field itself, {@code b=} empty,
     * canonicalised (relaxed) without its final CRLF, is hashed after {@code data}; the value is
     * folded onto the field.
     */
    static byte[] signed(String unsigned, ByteArrayOutputStream data, DkimKey key) {
        RelaxedCanonicalization.header(unsigned.getBytes(StandardCharsets.US_ASCII), false, data);
        String b = Base64.getEncoder().encodeToString(key.sign(data.toByteArray()));
        return (unsigned + fold(b, lastLineLength(unsigned)) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** §5.4.2: each name selects the next instance from the bottom; a name with none left selects nothing. */
    static byte[] canonicalSignedFields(HeaderSection fields, List<String> names) {
        return canonicalSignedFields(fields, names, true);
    }

    /** The same in relaxed or (a verifier's concern) simple form (§3.4.1: the field as it is). */
    static byte[] canonicalSignedFields(HeaderSection fields, List<String> names, boolean relaxed) {
        Map<String, Integer> used = new HashMap<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        for (String name : names) {
            List<HeaderField> instances = fields.fields(name);
            int alreadyUsed = used.getOrDefault(name, 0);
            if (alreadyUsed < instances.size()) {
                HeaderField field = instances.get(instances.size() - 1 - alreadyUsed);
                SignatureCheck.canonical(field.rawBytes(), relaxed, true, out);
            }
            used.put(name, alreadyUsed + 1);
        }
        return out.toByteArray();
    }

    static byte[] withoutLineEnding(byte[] raw) {
        int end = raw.length;
        while (end > 0 && (raw[end - 1] == '\r' || raw[end - 1] == '\n')) {
            end--;
        }
        return end == raw.length ? raw : Arrays.copyOf(raw, end);
    }

    /** The field up to and including {@code b=}: exactly the bytes that precede the signature value. */
    private static String unsignedField(String fieldName, String firstTag, DkimKey key, Domain domain, List<String> names,
                                        String bodyHash, Instant timestamp) {
        StringBuilder field = new StringBuilder(512);
        field.append(fieldName).append(": ").append(firstTag).append("; a=").append(key.algorithm().tag())
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

    static int lastLineLength(String text) {
        return text.length() - text.lastIndexOf('\n');
    }

    /** Folds base64 (FWS is allowed between its characters, §3.5) to keep lines under 78. */
    static String fold(String base64, int firstLineUsed) {
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
