package org.t2trewrite.dkim;

import java.io.ByteArrayOutputStream;

/**
 * Makes every line ending CRLF: a bare CR or bare LF becomes CRLF, and a last line without one
 * gets one, as javax.mail's SMTP client does when it sends DATA ({@code SMTPOutputStream}, and
 * {@code ensureAtBOL()} before the final dot). Signing the normalised bytes, and installing them,
 * means the signature covers what the next hop receives.
 *
 * <p>Hazard: the final CRLF matters even though relaxed canonicalisation adds a missing one
 * (RFC 6376 §3.4.4). Added before signing, it ends the last line, so trailing whitespace on that
 * line is dropped as the receiver drops it; jDKIM's canonicaliser would otherwise keep it.
 */
final class Crlf {
    private Crlf() {
    }

    static byte[] normalise(byte[] bytes) {
        if (isNormal(bytes)) {
            return bytes;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\r') {
                out.write('\r');
                out.write('\n');
                if (i + 1 < bytes.length && bytes[i + 1] == '\n') {
                    i++;
                }
            } else if (b == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write(b);
            }
        }
        if (bytes.length > 0 && bytes[bytes.length - 1] != '\r' && bytes[bytes.length - 1] != '\n') {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static boolean isNormal(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\r') {
                if (i + 1 >= bytes.length || bytes[i + 1] != '\n') {
                    return false;
                }
                i++;
            } else if (bytes[i] == '\n') {
                return false;
            }
        }
        return bytes.length == 0 || bytes[bytes.length - 1] == '\n';
    }
}
