package org.t2trewrite.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.apache.james.jdkim.canon.RelaxedBodyCanonicalizer;
import org.apache.james.jdkim.canon.SimpleBodyCanonicalizer;

/**
 * The "relaxed" canonicalisation of RFC 6376 §3.4.2 (header fields) and §3.4.4 (body), and the
 * SHA-256 body hash over it. The body side is jDKIM's canonicaliser, the one James's own
 * {@code DKIMVerify} and our tests' verifier use; the header side works on bytes so that 8-bit
 * header bytes (RFC 6532) are hashed as they travel.
 */
final class RelaxedCanonicalization {
    private RelaxedCanonicalization() {
    }

    /**
     * A header field in relaxed form: lower-case name, colon, value unfolded with every run of
     * spaces and tabs made one space and no space at either end; then CRLF if {@code withCrlf}.
     */
    static void header(byte[] field, boolean withCrlf, ByteArrayOutputStream out) {
        int colon = -1;
        for (int i = 0; i < field.length; i++) {
            if (field[i] == ':') {
                colon = i;
                break;
            }
        }
        int nameEnd = colon < 0 ? field.length : colon;
        while (nameEnd > 0 && isWsp(field[nameEnd - 1])) {
            nameEnd--;
        }
        for (int i = 0; i < nameEnd; i++) {
            byte b = field[i];
            out.write(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
        }
        out.write(':');
        boolean pendingSpace = false;
        boolean started = false;
        for (int i = colon + 1; i < field.length; i++) {
            byte b = field[i];
            if (b == '\r' && i + 1 < field.length && field[i + 1] == '\n') {
                // Unfold: a CRLF inside a field is always followed by WSP; the CRLF itself goes.
                i++;
                continue;
            }
            if (isWsp(b)) {
                pendingSpace = started;
                continue;
            }
            if (pendingSpace) {
                out.write(' ');
                pendingSpace = false;
            }
            out.write(b);
            started = true;
        }
        if (withCrlf) {
            out.write('\r');
            out.write('\n');
        }
    }

    private static boolean isWsp(byte b) {
        return b == ' ' || b == '\t';
    }

    /**
     * SHA-256 of the relaxed canonical form of a body whose lines end in CRLF. A body that is
     * empty or only empty (or whitespace-only) lines canonicalises to nothing, so its hash is
     * SHA-256 of the empty string (§3.4.4: unlike simple, §3.4.3, relaxed adds no CRLF to it).
     */
    static byte[] bodyHash(byte[] body) {
        return bodyHash(body, true, -1);
    }

    /**
     * SHA-256 of the relaxed ({@code relaxed}) or simple (§3.4.3) canonical form of a body whose
     * lines end in CRLF, of its first {@code limit} octets when {@code limit} is not negative
     * (the {@code l=} tag, §3.5; a verifier's concern: we never sign with it).
     */
    static byte[] bodyHash(byte[] body, boolean relaxed, long limit) {
        MessageDigest digest = sha256();
        DigestSink sink = new DigestSink(digest, limit);
        try (OutputStream canonical = relaxed ? new RelaxedBodyCanonicalizer(sink) : new SimpleBodyCanonicalizer(sink)) {
            canonical.write(body);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory hashing cannot fail", e);
        }
        if (relaxed && sink.count == 2) {
            // Hazard: jDKIM 0.3's relaxed canonicaliser ends like its simple one and writes one CRLF
            // for a body that canonicalises to nothing (bh=frcCV1k9..., which python3-dkim and
            // other RFC verifiers reject). Any other canonical body holds a non-empty line and its
            // CRLF, three bytes at least, so two bytes can only be that CRLF.
            digest.reset();
        }
        return digest.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static final class DigestSink extends OutputStream {
        private final MessageDigest digest;
        private final long limit;
        private long count;

        private DigestSink(MessageDigest digest, long limit) {
            this.digest = digest;
            this.limit = limit;
        }

        @Override
        public void write(int b) {
            if (limit < 0 || count < limit) {
                digest.update((byte) b);
            }
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            int hashed = limit < 0 ? length : (int) Math.max(0, Math.min(length, limit - count));
            digest.update(bytes, offset, hashed);
            count += length;
        }
    }
}
