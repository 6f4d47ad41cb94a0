package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelaxedCanonicalizationTest {
    /** The bh= of every relaxed signature over an empty body: base64 of SHA-256(""). */
    static final String EMPTY_BODY_HASH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    /** CSV cannot hold line breaks: the tables write them as backslash escapes. */
    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "nameLowerCasedAndSpaceBeforeColonDropped|SUBJECT  : Hello\\r\\n|subject:Hello\\r\\n",
        "whitespaceRunsBecomeOneSpace|Subject:  a \\t b  \\r\\n|subject:a b\\r\\n",
        "foldingIsUnfolded|To: a@b,\\r\\n\\tc@d\\r\\n|to:a@b, c@d\\r\\n",
        "eightBitBytesStay|Subject: sch\u00f6n\\r\\n|subject:sch\u00f6n\\r\\n",
        "emptyValue|X-Empty:\\r\\n|x-empty:\\r\\n",
        "whitespaceOnlyValue|Reply-To: \\t \\r\\n|reply-to:\\r\\n",
        "foldedWithTabsAndTrailingWhitespace|Subject: Quarterly \\t\\r\\n\\t\\tfigures\\r\\n \\tand more\\r\\n|subject:Quarterly figures and more\\r\\n",
        "valueStartsOnContinuationLine|Subject:\\r\\n\\tHello\\r\\n|subject:Hello\\r\\n",
        "mixedCaseName|mEsSaGe-Id: <a@b>\\r\\n|message-id:<a@b>\\r\\n"})
    void relaxedHeaderCanonicalisationFollowsRfc6376(String name, String field, String canonical) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] raw = unescape(field).getBytes(StandardCharsets.ISO_8859_1);

        RelaxedCanonicalization.header(java.util.Arrays.copyOf(raw, raw.length - 2), true, out);

        assertThat(new String(out.toByteArray(), StandardCharsets.ISO_8859_1)).isEqualTo(unescape(canonical));
        String withoutCrlf = new String(raw, 0, raw.length - 2, StandardCharsets.ISO_8859_1);
        assertThat(JvmVerifier.relaxedHeader(withoutCrlf) + "\r\n").as("the test verifier's canonical form").isEqualTo(unescape(canonical));
    }

    /**
     * RFC 6376 §3.4.4. The expected canonical bodies are written out by hand; the test verifier's
     * own canonicaliser must produce them too, so that signer and verifier cannot share a mistake.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "emptyBody|''|''",
        "onlyEmptyLines|\\r\\n\\r\\n\\r\\n|''",
        "onlyWhitespaceLines|\\t\\r\\n \\r\\n\\t \\r\\n|''",
        "trailingWhitespaceAndEmptyLinesWithWhitespace|abc \\t\\r\\n \\r\\n\\r\\n|abc\\r\\n",
        "whitespaceRunsInsideLinesBecomeOneSpace|a  b\\t\\tc \\t d\\r\\n|a b c d\\r\\n",
        "leadingWhitespaceBecomesOneSpace|\\t  indented\\r\\n|' indented\\r\\n'",
        "noFinalCrlfGetsOne|abc|abc\\r\\n",
        "noFinalCrlfAfterEmptyLines|abc\\r\\n\\r\\nxyz|abc\\r\\n\\r\\nxyz\\r\\n",
        "emptyLinesInsideAreKept|a\\r\\n\\r\\n \\r\\nb\\r\\n|a\\r\\n\\r\\n\\r\\nb\\r\\n",
        "spaceBeforeAnEightBitByteIsNotTrailing|abc \u0085\\r\\n\\r\\n\\r\\n|abc \u0085\\r\\n"})
    void relaxedBodyHashIsTheSha256OfTheCanonicalBody(String name, String body, String canonical) {
        byte[] expected = unescape(canonical).getBytes(StandardCharsets.ISO_8859_1);

        byte[] hash = RelaxedCanonicalization.bodyHash(unescape(body).getBytes(StandardCharsets.ISO_8859_1));

        assertThat(JvmVerifier.relaxedBody(unescape(body))).as("the test verifier's canonical body").isEqualTo(unescape(canonical));
        assertThat(hash).isEqualTo(RelaxedCanonicalization.sha256().digest(expected));
    }

    /** §3.4.4: relaxed adds no CRLF to an empty body (simple, §3.4.3, would hash one CRLF: frcCV1k9...). */
    @Test
    void emptyBodyHashesToTheSha256OfTheEmptyString() {
        assertThat(Base64.getEncoder().encodeToString(RelaxedCanonicalization.bodyHash(new byte[0])))
            .isEqualTo(EMPTY_BODY_HASH);
    }

    /**
     * §3.4.2 deletes only WSP (SP, HTAB) at the ends of a value: other control characters are
     * value bytes and are signed. Found by RelaxedCanonicalizationFuzzTest: jDKIM 0.3 (James's
     * DKIMVerify) trims with String.trim() and so also drops NUL and the other bytes below SP, and
     * so a signature over such a field fails there: the deviation is jDKIM's, not ours.
     */
    @Test
    void controlCharactersAtTheEndsOfAValueStay() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        RelaxedCanonicalization.header("Reply-To:\u0007 nn\u0000\u0000 \t".getBytes(StandardCharsets.ISO_8859_1), false, out);

        assertThat(out.toByteArray()).isEqualTo("reply-to:\u0007 nn\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(JvmVerifier.relaxedHeader("Reply-To:\u0007 nn\u0000\u0000 \t")).isEqualTo("reply-to:\u0007 nn\u0000\u0000");
    }
}
