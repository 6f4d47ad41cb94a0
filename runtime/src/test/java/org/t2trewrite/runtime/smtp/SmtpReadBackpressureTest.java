package org.t2trewrite.runtime.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

class SmtpReadBackpressureTest {

    /** Stands for James's SMTP handler: records what reaches it and whether reading was on then. */
    private static final class Handler extends ChannelInboundHandlerAdapter {
        final List<Integer> sizes = new ArrayList<>();
        final List<Boolean> readingWhenHandled = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            sizes.add(bytes.readableBytes());
            readingWhenHandled.add(ctx.channel().config().isAutoRead());
            bytes.release();
        }
    }

    private static ByteBuf bytes(int size) {
        return Unpooled.wrappedBuffer(new byte[size]);
    }

    @Test
    void passesEveryByteOnAndReadsAgainOnceTheMarkerCameThrough() {
        Handler handler = new Handler();
        // Without anything queued in between, the marker reaches Resume at once.
        EmbeddedChannel channel = new EmbeddedChannel(new SmtpReadBackpressure.Pause(), new SmtpReadBackpressure.Resume(), handler);

        channel.writeInbound(bytes(100 * 1024));
        channel.writeInbound(bytes(100 * 1024));
        assertThat(channel.config().isAutoRead()).isTrue();
        channel.writeInbound(bytes(100 * 1024)); // 300 KB: over the limit

        assertThat(handler.sizes).as("the marker never reaches James's handler").containsExactly(100 * 1024, 100 * 1024, 100 * 1024);
        assertThat(channel.config().isAutoRead()).as("on again once the marker came through").isTrue();
    }

    @Test
    void readingStaysOffWhileTheMarkerWaitsBehindUnhandledBytes() {
        Handler handler = new Handler();
        List<Object> held = new ArrayList<>();
        // Stands for James's queues between its decoder and its handler: holds everything until released.
        ChannelInboundHandlerAdapter queue = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                held.add(msg);
            }
        };
        EmbeddedChannel channel = new EmbeddedChannel(new SmtpReadBackpressure.Pause(), queue, new SmtpReadBackpressure.Resume(), handler);

        channel.writeInbound(bytes(SmtpReadBackpressure.PAUSE_AFTER_BYTES));
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(held).hasSize(2).last().isSameAs(SmtpReadBackpressure.MARKER);

        ChannelHandlerContext queueContext = channel.pipeline().context(queue);
        queueContext.fireChannelRead(held.get(0));
        assertThat(channel.config().isAutoRead()).as("the bytes are handled, the marker not yet through").isFalse();
        queueContext.fireChannelRead(held.get(1));

        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(handler.sizes).as("the marker never reaches James's handler").containsExactly(SmtpReadBackpressure.PAUSE_AFTER_BYTES);
    }

    @Test
    void aSmallMailIsNeverPaused() {
        Handler handler = new Handler();
        EmbeddedChannel channel = new EmbeddedChannel(new SmtpReadBackpressure.Pause(), new SmtpReadBackpressure.Resume(), handler);

        for (int i = 0; i < 10; i++) {
            channel.writeInbound(bytes(1000));
        }

        assertThat(handler.readingWhenHandled).hasSize(10).containsOnly(true);
    }
}
