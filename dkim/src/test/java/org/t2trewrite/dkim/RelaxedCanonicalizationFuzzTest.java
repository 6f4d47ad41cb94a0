package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;

import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.canon.RelaxedBodyCanonicalizer;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes DKIM relaxed canonicalisation (RFC 6376 §3.4.2 and §3.4.4) with arbitrary bytes, as the
 * signer sees them (README "Fuzzing"). Under {@code mvn test} it replays the inputs in
 * {@code src/test/resources/org/t2trewrite/dkim/RelaxedCanonicalizationFuzzTestInputs/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes one method for its {@code maxDuration}.
 *
 * <p>Header fields: the input is a header section with CRLF line ends (as javax.mail hands it to
 * us), cut into fields by {@link HeaderSection}. For each field, canonicalising never throws, is
 * idempotent (the canonical form canonicalises to itself), and equals the test verifier's
 * independent canonicaliser and, on ASCII fields without control characters, jDKIM 0.3's (which James's {@code DKIMVerify}
 * uses).
 *
 * <p>Body: the input is made CRLF the way the signer makes it ({@link Crlf#normalise}). The hash
 * never throws, equals SHA-256 of the test verifier's canonical body, and of jDKIM's canonical
 * body except where jDKIM is known wrong (a body that canonicalises to nothing, see
 * {@link RelaxedCanonicalization#bodyHash}); the canonical body is a fixed point of the
 * canonicalisation (idempotence).
 */
class RelaxedCanonicalizationFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void relaxedHeaderCanonicalisationIsIdempotentAndAgreesWithTheVerifiers(byte[] input) throws Exception {
        HeaderSection section = HeaderSection.parse(Crlf.normalise(input));
        for (HeaderField field : section.fields()) {
            byte[] raw = withoutLineEnding(field.rawBytes());
            byte[] once = header(raw);
            assertThat(header(once)).as(() -> "canonicalising " + printable(once) + " twice").isEqualTo(once);
            if (indexOf(raw, ':') < 0) {
                // Not a field: DkimSigner signs only fields it found by name.
                continue;
            }
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            assertThat(once).as(() -> "test verifier on " + printable(raw))
                .isEqualTo(JvmVerifier.relaxedHeader(text).getBytes(StandardCharsets.ISO_8859_1));
            if (isAsciiWithoutControls(raw)) {
                assertThat(once).as(() -> "jDKIM on " + printable(raw)).isEqualTo(JdkimHeader.canonical(text));
            }
        }
    }

    @FuzzTest(maxDuration = "5s")
    void relaxedBodyCanonicalisationIsIdempotentAndAgreesWithTheVerifiers(byte[] input) throws IOException {
        byte[] body = Crlf.normalise(input);
        byte[] hash = RelaxedCanonicalization.bodyHash(body);

        byte[] verifier = JvmVerifier.relaxedBody(new String(body, StandardCharsets.ISO_8859_1))
            .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(hash).as(() -> "hash of " + printable(body) + " against the test verifier's " + printable(verifier))
            .isEqualTo(RelaxedCanonicalization.sha256().digest(verifier));
        byte[] jdkim = jdkimBody(body);
        if (!(jdkim.length == 2 && verifier.length == 0)) {
            assertThat(jdkim).as(() -> "jDKIM on " + printable(body)).isEqualTo(verifier);
        }
        assertThat(RelaxedCanonicalization.bodyHash(verifier)).as(() -> "canonical body " + printable(verifier) + " is a fixed point")
            .isEqualTo(hash);
    }

    private static byte[] header(byte[] field) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RelaxedCanonicalization.header(field, false, out);
        return out.toByteArray();
    }

    private static byte[] jdkimBody(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream canonical = new RelaxedBodyCanonicalizer(out)) {
            canonical.write(body);
        }
        return out.toByteArray();
    }

    private static byte[] withoutLineEnding(byte[] raw) {
        int end = raw.length;
        if (end >= 2 && raw[end - 2] == '\r' && raw[end - 1] == '\n') {
            end -= 2;
        }
        return Arrays.copyOf(raw, end);
    }

    private static int indexOf(byte[] bytes, int b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Where jDKIM can be compared: it decodes in the platform charset, and its {@code String.trim()}
     * also strips control characters at the ends of a value (NUL, BEL, ...), where RFC 6376 §3.4.2
     * strips only WSP (see RelaxedCanonicalizationTest#controlCharactersAtTheEndsOfAValueStay).
     */
    private static boolean isAsciiWithoutControls(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0 || (b < ' ' && b != '\t' && b != '\r' && b != '\n') || b == 127) {
                return false;
            }
        }
        return true;
    }

    private static String printable(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    /**
     * jDKIM 0.3's relaxed header canonicaliser, the one {@code DKIMVerifier} feeds its
     * {@link Signature} with: reached through its protected static method, with a
     * {@code Signature} that only records the bytes.
     */
    private static final class JdkimHeader extends DKIMCommon {
        static byte[] canonical(String field) throws SignatureException, InvalidKeyException {
            Recorder recorder = new Recorder();
            recorder.initVerify((PublicKey) null);
            String name = field.substring(0, field.indexOf(':'));
            updateSignature(recorder, true, name.replaceAll("[ \\t]+$", ""), field);
            return recorder.bytes.toByteArray();
        }
    }

    private static final class Recorder extends Signature {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Recorder() {
            super("record");
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) {
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) {
        }

        @Override
        protected void engineUpdate(byte b) {
            bytes.write(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        @Override
        protected byte[] engineSign() {
            return new byte[0];
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) {
            return false;
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            return null;
        }
    }
}
