package org.t2trewrite.glue;

import java.io.InputStream;

import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;

/**
 * James's own message type ({@link MimeMessageWrapper}) over bytes we hold: what
 * {@link MailMessages#install} puts on a mail. James streams these bytes as they are on every
 * later copy and at delivery (the message is unmodified), and our later pieces find the very
 * {@link MessageBytes} again, with its parse, instead of copying the message out.
 *
 * <p>Why a {@link MimeMessageWrapper} and not a plain {@code MimeMessage}: {@code Mail.setMessage}
 * wraps any other message in a new wrapper, which copies the whole message into a fresh spool
 * source (a temporary file above 100 KB). {@code MailImpl.setMessageNoCopy} takes a wrapper as it
 * is.
 *
 * <p>If a stock mailet later changes the message through the javax.mail API, the wrapper marks
 * itself modified and {@link MailMessages#read} stops trusting the held bytes.
 */
final class HeldMessage extends MimeMessageWrapper {
    private final MessageBytes bytes;

    HeldMessage(MessageBytes bytes) {
        super(new Source(bytes));
        this.bytes = bytes;
    }

    MessageBytes bytes() {
        return bytes;
    }

    private static final class Source implements MimeMessageSource {
        private final MessageBytes bytes;

        Source(MessageBytes bytes) {
            this.bytes = bytes;
        }

        @Override
        public String getSourceId() {
            // Identifies the data for repositories that compare sources; in memory, unique per array.
            return "t2t-bytes-" + Integer.toHexString(System.identityHashCode(bytes));
        }

        @Override
        public InputStream getInputStream() {
            return bytes.newStream();
        }

        @Override
        public long getMessageSize() {
            return bytes.size();
        }
    }
}
