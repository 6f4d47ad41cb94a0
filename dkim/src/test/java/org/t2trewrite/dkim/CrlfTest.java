package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.sun.mail.smtp.SMTPOutputStream;

class CrlfTest {
    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
    }

    /** What javax.mail's SMTP client puts in DATA for these body bytes (no line starts with a dot here). */
    private static byte[] smtpClientSends(byte[] body) throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        SMTPOutputStream data = new SMTPOutputStream(wire);
        data.write(body);
        data.ensureAtBOL();
        return wire.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "emptyStaysEmpty|''|''",
        "crlfStays|a\\r\\nb\\r\\n|a\\r\\nb\\r\\n",
        "bareLf|a\\nb\\n|a\\r\\nb\\r\\n",
        "bareCr|a\\rb\\r|a\\r\\nb\\r\\n",
        "crCrLfIsTwoLines|a\\r\\r\\nb\\r\\n|a\\r\\n\\r\\nb\\r\\n",
        "lfCrIsTwoLines|a\\n\\rb\\r\\n|a\\r\\n\\r\\nb\\r\\n",
        "lastLineGetsCrlf|a\\r\\nb|a\\r\\nb\\r\\n",
        "lastLineWithTrailingWhitespaceGetsCrlf|thanks  \\t|thanks  \\t\\r\\n",
        "onlyWhitespaceGetsCrlf|' \\t'|' \\t\\r\\n'"})
    void normalisesAsTheSmtpClientSends(String name, String body, String expected) throws Exception {
        byte[] input = unescape(body).getBytes(StandardCharsets.ISO_8859_1);

        byte[] normalised = Crlf.normalise(input);

        assertThat(new String(normalised, StandardCharsets.ISO_8859_1)).isEqualTo(unescape(expected));
        assertThat(normalised).as("what SMTPOutputStream sends").isEqualTo(smtpClientSends(input));
    }
}
