package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelaxedCanonicalizationTest {
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
        "emptyValue|X-Empty:\\r\\n|x-empty:\\r\\n"})
    void relaxedHeaderCanonicalisationFollowsRfc6376(String name, String field, String canonical) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] raw = unescape(field).getBytes(StandardCharsets.ISO_8859_1);

        RelaxedCanonicalization.header(java.util.Arrays.copyOf(raw, raw.length - 2), true, out);

        assertThat(new String(out.toByteArray(), StandardCharsets.ISO_8859_1)).isEqualTo(unescape(canonical));
    }
}
