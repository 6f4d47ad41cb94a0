package org.t2trewrite.glue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.rewrite.SenderIdentity;

/**
 * Reads a mail's message as bytes and installs new bytes, without James's header-setting API and
 * without a copy James would make.
 *
 * <p>Why bytes: any {@code setHeader}/{@code removeHeader} marks James's message modified, and the
 * next copy (queue, recipient split, delivery) re-serialises it through {@code saveChanges()}:
 * headers move, {@code Date}/{@code Message-ID} appear, and malformed MIME makes the copy fail
 * (docs/design.md, "Byte fidelity"). A message installed here is unmodified, so James streams
 * these bytes as they are.
 *
 * <p>Costs, per call: {@link #read} of a message we installed costs nothing (the held bytes and
 * their parse are returned); of any other message, one copy of it, built from James's header
 * lines and the raw body (no MIME parsing). {@link #install} costs nothing beyond the wrapper
 * object: James's {@code Mail.setMessage} would copy the whole message once more.
 *
 * <p>Limitations: a message whose header section has no blank line after it gets one when read
 * from James (javax.mail always writes one); non-ASCII header bytes (RFC 6532) are {@code ?} by
 * the time any mailet runs, because James 3.8.1 reads and writes header lines as US-ASCII when it
 * spools a received mail; body bytes are never affected.
 */
public final class MailMessages {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private MailMessages() {
    }

    /** The mail's message as bytes: the held bytes when we installed them and nothing changed them since. */
    public static MessageBytes read(Mail mail) throws MessagingException {
        Optional<MessageBytes> held = held(mail.getMessage());
        return held.isPresent() ? held.get() : copyOf(mail.getMessage());
    }

    /**
     * The mail's header section, for deciders that never look at the body (matchers): the held
     * parse, or James's header lines parsed without reading the body.
     */
    public static HeaderSection header(Mail mail) throws MessagingException {
        Optional<MessageBytes> held = held(mail.getMessage());
        return held.isPresent() ? held.get().header() : HeaderSection.parse(headerLines(mail.getMessage()).toExactArray());
    }

    /**
     * Who the mail is from, for eligibility decisions ({@link MessageBytes#senderIdentity}): from
     * the held parse, computed once per mail, or from James's header lines.
     */
    public static Optional<Address> senderIdentity(Mail mail) throws MessagingException {
        Optional<Address> envelopeSender = Envelope.sender(mail);
        Optional<MessageBytes> held = held(mail.getMessage());
        return held.isPresent() ? held.get().senderIdentity(envelopeSender) : SenderIdentity.of(header(mail), envelopeSender);
    }

    /**
     * A copy of the message as James holds it now: its current header lines, a blank line, and its
     * raw (undecoded) body, without MIME parsing. Used once per mail, where James's own message,
     * marked modified by the stock {@code transport} processor, enters ours
     * ({@code PreserveMessageBytes}).
     */
    public static MessageBytes copyOf(MimeMessage message) throws MessagingException {
        if (message instanceof MimeMessageWrapper && !((MimeMessageWrapper) message).isBodyModified()) {
            return copyOfSpooled((MimeMessageWrapper) message);
        }
        Buffer buffer = headerLines(message);
        buffer.write(CRLF, 0, CRLF.length);
        buffer.reserve(Math.max(0, message.getSize()));
        try (InputStream in = message.getRawInputStream()) {
            buffer.readFrom(in);
        } catch (IOException e) {
            throw new MessagingException("cannot read the message body", e);
        }
        return MessageBytes.own(buffer.toExactArray());
    }

    /**
     * James's own stream of a spooled message whose body nothing changed: its current header lines
     * ({@code InternetHeadersInputStream}, as every James copy writes them) and the spooled body
     * bytes, read once into an array of the exact size. Unlike {@code getRawInputStream()} on a
     * message whose headers were changed, it does not load the whole message into javax.mail's
     * memory first (JAMES-1252), which for a large mail would be a second full copy.
     */
    private static MessageBytes copyOfSpooled(MimeMessageWrapper message) throws MessagingException {
        long size = message.getMessageSize();
        Buffer buffer = new Buffer((int) Math.max(0, Math.min(size, MAX_ARRAY)));
        try (InputStream in = message.getMessageInputStream()) {
            buffer.readFrom(in);
        } catch (IOException e) {
            throw new MessagingException("cannot read the message", e);
        }
        return MessageBytes.own(buffer.toExactArray());
    }

    /**
     * Replaces the mail's message by these bytes, as an unmodified message: every later copy and
     * the SMTP client stream them unchanged.
     */
    public static void install(Mail mail, MessageBytes bytes) throws MessagingException {
        HeldMessage message = new HeldMessage(bytes);
        if (mail instanceof MailImpl) {
            ((MailImpl) mail).setMessageNoCopy(message);
        } else {
            mail.setMessage(message);
        }
    }

    /** The bytes we installed, when this is our message and nothing changed it since. */
    private static Optional<MessageBytes> held(MimeMessage message) {
        return message instanceof HeldMessage && !((HeldMessage) message).isModified()
            ? Optional.of(((HeldMessage) message).bytes()) : Optional.empty();
    }

    private static Buffer headerLines(MimeMessage message) throws MessagingException {
        Charset charset = headerCharset();
        Buffer header = new Buffer(4096);
        Enumeration<String> lines = message.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            byte[] line = lines.nextElement().getBytes(charset);
            header.write(line, 0, line.length);
            header.write(CRLF, 0, CRLF.length);
        }
        return header;
    }

    private static Charset headerCharset() {
        // javax.mail reads header bytes as ISO-8859-1 chars unless allowutf8 is on; mirror it so
        // that chars map back to exactly the bytes that were read.
        return Boolean.parseBoolean(Session.getDefaultInstance(System.getProperties()).getProperty("mail.mime.allowutf8"))
            ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
    }

    /** A growable array that can be sized ahead, so that a message of known size is copied exactly once. */
    private static final class Buffer {
        private byte[] bytes;
        private int count;

        Buffer(int capacity) {
            bytes = new byte[capacity];
        }

        void write(byte[] source, int offset, int length) {
            ensure(count + length);
            System.arraycopy(source, offset, bytes, count, length);
            count += length;
        }

        /** Grows to exactly {@code more} free bytes (when short of them), so that a size hint that is right costs no trimming copy. */
        void reserve(int more) {
            if (count + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, count + more);
            }
        }

        void readFrom(InputStream in) throws IOException {
            while (true) {
                if (count == bytes.length) {
                    int next = in.read();
                    if (next < 0) {
                        return;
                    }
                    ensure(count + 1);
                    bytes[count++] = (byte) next;
                }
                int read = in.read(bytes, count, bytes.length - count);
                if (read < 0) {
                    return;
                }
                count += read;
            }
        }

        private void ensure(int capacity) {
            if (capacity > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(capacity, bytes.length + (bytes.length >> 1)));
            }
        }

        byte[] toExactArray() {
            return count == bytes.length ? bytes : Arrays.copyOf(bytes, count);
        }
    }
}
