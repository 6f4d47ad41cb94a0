package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeaderFieldTest {
    /** CSV cannot hold line breaks: the tables write them as backslash escapes. */
    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "simpleFields|From: a@b\\r\\nTo: c@d\\r\\n|from,to",
        "foldedField|To: a@b,\\r\\n\\tc@d\\r\\nSubject: x\\r\\n|to,subject",
        "lineWithoutColon|garbage line\\r\\nFrom: a@b\\r\\n|,from",
        "leadingContinuation|\\tstray\\r\\nFrom: a@b\\r\\n|,from",
        "bareLineFeeds|From: a@b\\nTo: c@d\\n|from,to",
        "noFinalLineEnding|From: a@b\\r\\nTo: c@d|from,to"})
    void splitsFieldsAndJoinsThemBackByteForByte(String name, String section, String names) {
        byte[] bytes = unescape(section).getBytes(StandardCharsets.ISO_8859_1);

        List<HeaderField> fields = HeaderField.parse(bytes);

        assertThat(fields.stream().map(HeaderField::name).collect(Collectors.joining(","))).isEqualTo(names);
        assertThat(HeaderField.join(fields)).isEqualTo(bytes);
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
