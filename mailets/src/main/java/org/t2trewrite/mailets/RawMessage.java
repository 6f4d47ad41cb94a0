package org.t2trewrite.mailets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Objects;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.apache.mailet.Mail;

/**
 * A message as bytes: its header section (every field with its own folding, ending in CRLF) and
 * its body exactly as received. Read and installed without James's header-setting API.
 *
 * <p>Why: any {@code setHeader}/{@code removeHeader} marks James's message modified, and the next
 * copy (queue, recipient split, delivery) re-serialises it through {@code saveChanges()}: headers
 * move, {@code Date}/{@code Message-ID} appear, and malformed MIME makes the copy fail. A message
 * installed by {@link #installOn(Mail)} is unmodified, so James streams these bytes as they are.
 * See {@code shared/notes/james-byte-fidelity.md}.
 *
 * <p>Header lines are taken as James holds them. Does not parse MIME structure: a broken
 * multipart is carried like any other body.
 *
 * <p>Limitations: the whole message is held in memory while a mailet works on it; a message
 * whose header section has no blank line after it gets one (javax.mail always writes one);
 * non-ASCII header bytes (RFC 6532) become {@code ?}, because James 3.8.1 itself reads and
 * writes header lines as US-ASCII on every copy of a message ({@code MailHeaders},
 * {@code InternetHeadersInputStream}); body bytes are never affected.
 */
public final class RawMessage {
    private static final byte[] CRLF = {'\r', '\n'};

    private final byte[] header;
    private final byte[] body;

    private RawMessage(byte[] header, byte[] body) {
        this.header = header;
        this.body = body;
    }

    public static RawMessage of(byte[] header, byte[] body) {
        return new RawMessage(Objects.requireNonNull(header, "header").clone(), Objects.requireNonNull(body, "body").clone());
    }

    /** Reads the current header lines and the raw (undecoded) body of a message. */
    public static RawMessage read(MimeMessage message) throws MessagingException {
        byte[] header = readHeader(message);
        try (InputStream in = message.getRawInputStream()) {
            return new RawMessage(header, in.readAllBytes());
        } catch (IOException e) {
            throw new MessagingException("cannot read the message body", e);
        }
    }

    /**
     * Reads only the header section (each field ending in CRLF, no blank line), for callers that
     * decide on header fields without touching the body (matchers).
     */
    public static byte[] readHeader(MimeMessage message) throws MessagingException {
        Charset charset = headerCharset();
        ByteArrayOutputStream header = new ByteArrayOutputStream(4096);
        Enumeration<String> lines = message.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            header.writeBytes(lines.nextElement().getBytes(charset));
            header.writeBytes(CRLF);
        }
        return header.toByteArray();
    }

    /** The header section: the fields, each ending in CRLF, without the blank separator line. */
    public byte[] header() {
        return header.clone();
    }

    public byte[] body() {
        return body.clone();
    }

    public int size() {
        return header.length + CRLF.length + body.length;
    }

    public RawMessage withHeader(byte[] newHeader) {
        return new RawMessage(Objects.requireNonNull(newHeader, "newHeader").clone(), body);
    }

    /** The whole message: header section, blank line, body. */
    public byte[] toBytes() {
        byte[] all = Arrays.copyOf(header, size());
        System.arraycopy(CRLF, 0, all, header.length, CRLF.length);
        System.arraycopy(body, 0, all, header.length + CRLF.length, body.length);
        return all;
    }

    /**
     * Replaces the mail's message by these bytes, as an unmodified message: every later copy and
     * the SMTP client stream them unchanged.
     */
    public void installOn(Mail mail) throws MessagingException {
        mail.setMessage(toMimeMessage());
    }

    public MimeMessage toMimeMessage() throws MessagingException {
        return new MimeMessage(session(), new SharedByteArrayInputStream(toBytes()));
    }

    private static Session session() {
        return Session.getDefaultInstance(System.getProperties());
    }

    private static Charset headerCharset() {
        // javax.mail reads header bytes as ISO-8859-1 chars unless allowutf8 is on; mirror it so
        // that chars map back to exactly the bytes that were read.
        Properties properties = session().getProperties();
        return Boolean.parseBoolean(properties.getProperty("mail.mime.allowutf8"))
            ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawMessage && Arrays.equals(((RawMessage) o).header, header)
            && Arrays.equals(((RawMessage) o).body, body);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(header) + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "RawMessage[" + header.length + " header bytes, " + body.length + " body bytes]";
    }
}
