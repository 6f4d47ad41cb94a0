package org.t2trewrite.runtime.smtp;

import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.smtp.SMTPSession;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Keeps James's SMTP server from cutting a line out of a message: a line longer than James's
 * frame limit (8,192 octets before the CRLF, {@code AbstractChannelPipelineFactory.MAX_LINE_LENGTH})
 * inside DATA is not answered on its own, but remembered for the transaction, so that
 * {@link RefuseOverlongLines} refuses the whole message with one reply at its end.
 *
 * <p>Why: James's line decoder drops such a line and raises {@link TooLongFrameException}; James
 * then writes {@code 500 Line length exceeded} in the middle of DATA and goes on receiving, so the
 * client reads two replies for one message ({@code 500}, then {@code 250}) and the mail is relayed
 * without that line. Outside DATA (a command line) James's {@code 500} is right and is kept.
 *
 * <p>Sits between James's line decoder and its SMTP handler ({@link RelaySmtpServer}). It knows a
 * DATA is under way from the wire: from a {@code 354} reply written to the client until the line
 * {@code .} that ends the data (James 3.8.1 offers no BDAT). One instance per connection.
 */
final class SmtpLineGuard extends ChannelDuplexHandler {
    private static final byte[] END_OF_DATA = {'.', '\r', '\n'};

    private boolean inData;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (inData && msg instanceof ByteBuf && isEndOfData((ByteBuf) msg)) {
            inData = false;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (cause instanceof TooLongFrameException && inData) {
            Optional<SMTPSession> session = session(ctx);
            if (session.isPresent()) {
                RefuseOverlongLines.markOverlongLine(session.get());
                return;
            }
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf && isDataGoAhead((ByteBuf) msg)) {
            inData = true;
        }
        ctx.write(msg, promise);
    }

    private static Optional<SMTPSession> session(ChannelHandlerContext ctx) {
        ProtocolSession session = (ProtocolSession) ctx.channel().attr(BasicChannelInboundHandler.SESSION_ATTRIBUTE_KEY).get();
        return session instanceof SMTPSession ? Optional.of((SMTPSession) session) : Optional.empty();
    }

    /** A reply starting {@code 354} (RFC 5321 §4.2.2: start mail input). */
    private static boolean isDataGoAhead(ByteBuf reply) {
        int start = reply.readerIndex();
        return reply.readableBytes() >= 4
            && reply.getByte(start) == '3' && reply.getByte(start + 1) == '5' && reply.getByte(start + 2) == '4';
    }

    /** The line {@code .CRLF} exactly, as James's DATA handler recognises it. */
    private static boolean isEndOfData(ByteBuf line) {
        if (line.readableBytes() != END_OF_DATA.length) {
            return false;
        }
        int start = line.readerIndex();
        for (int i = 0; i < END_OF_DATA.length; i++) {
            if (line.getByte(start + i) != END_OF_DATA[i]) {
                return false;
            }
        }
        return true;
    }
}
