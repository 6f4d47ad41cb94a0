package org.t2trewrite.runtime.smtp;

import javax.inject.Inject;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.lib.handler.ProtocolHandlerLoader;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;

/**
 * James's {@link SMTPServerFactory}, configured from {@code smtpserver.xml} exactly as published,
 * that makes {@link RelaySmtpServer}s: James's SMTP server with {@link SmtpLineGuard} in each
 * connection's pipeline. Bound in place of James's factory by {@link RelaySmtpModule}.
 */
public class RelaySmtpServerFactory extends SMTPServerFactory {

    @Inject
    public RelaySmtpServerFactory(DNSService dns, ProtocolHandlerLoader loader, FileSystem fileSystem,
                                  MetricFactory metricFactory) {
        super(dns, loader, fileSystem, metricFactory);
    }

    @Override
    protected SMTPServer createServer() {
        return new RelaySmtpServer(smtpMetrics);
    }
}
