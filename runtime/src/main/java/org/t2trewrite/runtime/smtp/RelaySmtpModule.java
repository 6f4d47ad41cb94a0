package org.t2trewrite.runtime.smtp;

import org.apache.james.smtpserver.netty.SMTPServerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/**
 * Makes James's SMTP servers {@link RelaySmtpServer}s. Meant for {@code GuiceJamesServer#overrideWith}
 * over James's {@code SMTPServerModule}, whose start-up configuration, certificate reload and
 * probe all reach the factory through the {@link SMTPServerFactory} key bound here.
 */
public final class RelaySmtpModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(RelaySmtpServerFactory.class).in(Scopes.SINGLETON);
        bind(SMTPServerFactory.class).to(RelaySmtpServerFactory.class);
    }
}
