package org.t2trewrite.runtime.smtp;

import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.AbstractSSLAwareChannelPipelineFactory;
import org.apache.james.protocols.netty.HandlerConstants;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.apache.james.smtpserver.netty.SmtpMetrics;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;

/**
 * James 3.8.1's SMTP server, unchanged but for three handlers per connection: {@link SmtpLineGuard},
 * between James's line decoder and its SMTP handler, and the two halves of
 * {@link SmtpReadBackpressure}, before the decoder and before the SMTP handler. The pipeline is otherwise the one
 * {@code AbstractConfigurableAsyncServer} builds (connection limits, PROXY protocol, implicit TLS,
 * line framing with James's STARTTLS-injection check, timeout, James's core handler), with the
 * same settings from {@code smtpserver.xml}.
 */
public class RelaySmtpServer extends SMTPServer {
    static final String GUARD = "t2t-line-guard";

    public RelaySmtpServer(SmtpMetrics smtpMetrics) {
        super(smtpMetrics);
    }

    @Override
    protected AbstractChannelPipelineFactory createPipelineFactory() {
        return new AbstractSSLAwareChannelPipelineFactory<SocketChannel>(getTimeout(), connectionLimit, connPerIP,
            proxyRequired, this::getEncryption, getFrameHandlerFactory(), getExecutorGroup()) {

            @Override
            public void initChannel(SocketChannel channel) throws Exception {
                super.initChannel(channel);
                channel.pipeline().addBefore(HandlerConstants.FRAMER, SmtpReadBackpressure.PAUSE, new SmtpReadBackpressure.Pause());
                channel.pipeline().addBefore(HandlerConstants.CORE_HANDLER, SmtpReadBackpressure.RESUME, new SmtpReadBackpressure.Resume());
                channel.pipeline().addBefore(HandlerConstants.CORE_HANDLER, GUARD, new SmtpLineGuard());
            }

            @Override
            protected ChannelInboundHandlerAdapter createHandler() {
                return createCoreHandler();
            }
        };
    }
}
