package org.t2trewrite.runtime.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Stops reading from an SMTP client while what it sent is still waiting to be handled, so that a
 * fast client cannot fill the JVM's memory with received bytes. Two handlers per connection:
 * {@link Pause} where the bytes arrive (before James's line decoder), {@link Resume} just before
 * James's SMTP handler.
 *
 * <p>Why: James 3.8.1 decodes lines on one thread group and handles them on another, with
 * unbounded task queues between them and no flow control, and netty keeps reading meanwhile. Ten
 * clients sending 20 MB each to a relay of 160 MB heap queued more received data than the JVM's
 * direct memory holds (its limit is the heap size): netty ran out of direct buffer memory and cut
 * the connections mid-DATA.
 *
 * <p>How: after every {@value #PAUSE_AFTER_BYTES} bytes read, {@link Pause} turns reading off for
 * the connection and sends a marker down the pipeline behind those bytes. The marker passes
 * James's line decoder (which passes on anything that is not bytes) and every queue in between in
 * order, so when it reaches {@link Resume}, James's SMTP handler has handled everything read before
 * it; {@link Resume} takes the marker out and turns reading on again. Nothing is counted, so
 * nothing can drift: bytes the decoder discards (an over-long line) cannot keep a connection
 * paused. A connection never holds much more than {@value #PAUSE_AFTER_BYTES} bytes unhandled
 * (plus one read); mail smaller than that is never paused.
 */
final class SmtpReadBackpressure {
    static final int PAUSE_AFTER_BYTES = 256 * 1024;
    static final String PAUSE = "t2t-read-pause";
    static final String RESUME = "t2t-read-resume";

    /** Travels behind the bytes read before it; never reaches James's handler. */
    static final Object MARKER = new Object() {
        @Override
        public String toString() {
            return "t2t-read-resume-marker";
        }
    };

    private SmtpReadBackpressure() {
    }

    /** Where bytes arrive: turns reading off after {@value #PAUSE_AFTER_BYTES} bytes and sends the marker after them. */
    static final class Pause extends ChannelInboundHandlerAdapter {
        private long sinceMarker;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf) {
                sinceMarker += ((ByteBuf) msg).readableBytes();
            }
            ctx.fireChannelRead(msg);
            if (sinceMarker >= PAUSE_AFTER_BYTES) {
                sinceMarker = 0;
                ctx.channel().config().setAutoRead(false);
                ctx.fireChannelRead(MARKER);
            }
        }
    }

    /** Just before James's SMTP handler: everything read before the marker is handled, read again. */
    static final class Resume extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg == MARKER) {
                ctx.channel().config().setAutoRead(true);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }
}
