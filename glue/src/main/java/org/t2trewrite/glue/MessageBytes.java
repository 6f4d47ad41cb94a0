package org.t2trewrite.glue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.mail.util.SharedByteArrayInputStream;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.MessageSplit;
import org.t2trewrite.core.rewrite.SenderIdentity;

/**
 * One message as one byte array, held once for its trip through our pieces: the header section
 * is parsed at most once, the sender identity computed at most once, and every reader shares the
 * same bytes. Installed on a mail with {@link MailMessages#install}, it travels inside the mail's
 * message ({@link HeldMessage}), so the matchers and mailets that follow read it back without a
 * copy or a second parse.
 *
 * <p>The array is never changed and never handed out: changes make a new {@code MessageBytes}
 * ({@link #withHeader}), which is how a cached parse can never be stale.
 *
 * <p>Does not parse MIME structure: a broken multipart is carried like any other body. Not
 * thread-safe in the sense of a single computation: two threads reading the header at once may
 * both parse it, with equal results (James hands a mail to one thread at a time anyway).
 */
public final class MessageBytes {
    private final byte[] bytes;
    private final MessageSplit split;
    private HeaderSection header;
    private Optional<Address> identitySender;
    private Optional<Address> identity;

    private MessageBytes(byte[] bytes, MessageSplit split) {
        this.bytes = bytes;
        this.split = split;
    }

    /** Takes ownership of {@code message}: the caller must not change the array afterwards. */
    public static MessageBytes own(byte[] message) {
        Objects.requireNonNull(message, "message");
        return new MessageBytes(message, HeaderSection.split(message));
    }

    /** The parsed header section (parsed on first use, then shared). */
    public HeaderSection header() {
        HeaderSection parsed = header;
        if (parsed == null) {
            parsed = split.header(bytes);
            header = parsed;
        }
        return parsed;
    }

    /**
     * Who the mail is from for eligibility decisions ({@link SenderIdentity}): the first
     * {@code From} address, else the envelope sender. Computed once per envelope sender.
     */
    public Optional<Address> senderIdentity(Optional<Address> envelopeSender) {
        if (identity == null || !identitySender.equals(envelopeSender)) {
            identity = SenderIdentity.of(header(), envelopeSender);
            identitySender = envelopeSender;
        }
        return identity;
    }

    /** A new message: {@code newHeader}, then this message's separator and body, unchanged (one copy). */
    public MessageBytes withHeader(HeaderSection newHeader) {
        return own(split.join(newHeader, bytes));
    }

    /**
     * A new message: {@code newHeader}, this message's separator, then {@code newBody}, in one
     * exactly sized array. The caller gives up {@code newBody}.
     */
    public MessageBytes with(HeaderSection newHeader, byte[] newBody) {
        int separator = split.bodyOffset() - split.headerEnd();
        byte[] joined = new byte[newHeader.length() + separator + newBody.length];
        byte[] header = newHeader.toBytes();
        System.arraycopy(header, 0, joined, 0, header.length);
        System.arraycopy(bytes, split.headerEnd(), joined, header.length, separator);
        System.arraycopy(newBody, 0, joined, header.length + separator, newBody.length);
        return own(joined);
    }

    public int size() {
        return bytes.length;
    }

    /** The index of the first body byte. */
    public int bodyOffset() {
        return split.bodyOffset();
    }

    public int bodyLength() {
        return bytes.length - split.bodyOffset();
    }

    /** A copy of the body, for code that needs an array of its own (DKIM canonicalisation). */
    public byte[] bodyCopy() {
        byte[] body = new byte[bodyLength()];
        System.arraycopy(bytes, split.bodyOffset(), body, 0, body.length);
        return body;
    }

    /**
     * Whether any of {@code needles} (lower-case ASCII) occurs anywhere in the message, ignoring
     * ASCII case. No copy.
     */
    public boolean containsAnyIgnoreCase(List<String> needles) {
        for (String needle : needles) {
            if (containsIgnoreCase(needle.getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    private boolean containsIgnoreCase(byte[] needle) {
        outer:
        for (int i = 0; i <= bytes.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                byte b = bytes[i + j];
                byte lower = (b >= 'A' && b <= 'Z') ? (byte) (b + ('a' - 'A')) : b;
                if (lower != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The whole message, streamed from the held array (no copy). */
    public InputStream newStream() {
        return new SharedByteArrayInputStream(bytes);
    }

    @Override
    public String toString() {
        return "MessageBytes[" + split.bodyOffset() + " header bytes, " + bodyLength() + " body bytes]";
    }
}
