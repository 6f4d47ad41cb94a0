package org.t2trewrite.runtime;

import org.apache.james.ExtraProperties;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerMain;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.modules.RunArgumentsModule;
import org.apache.james.modules.server.JMXServerModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.runtime.smtp.RelaySmtpModule;

/**
 * The relay's server: James 3.8.1's memory server as published, started as
 * {@code MemoryJamesServerMain} starts it, with two changes: its mail queues (spool, outgoing) are
 * on disk ({@link DurableMailQueueModule}), so that a mail answered {@code 250} survives a crash
 * or a restart; and its SMTP server never relays a message with a line cut out
 * ({@link org.t2trewrite.runtime.smtp.RelaySmtpServer}). Configuration, extensions ({@code extensions-jars/}, {@code extensions.properties})
 * and the working directory ({@code -Dworking.directory}) are read exactly as the memory server
 * reads them.
 *
 * <p>Does not change what the memory server keeps in memory besides the queues: users, domains,
 * mailboxes (the relay has none) and {@code memory://} mail repositories are still lost on restart;
 * the relay keeps mail in {@code file://} repositories ({@code mailrepositorystore.xml}).
 */
public final class RelayServerMain implements JamesServerMain {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayServerMain.class);

    private RelayServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ExtraProperties.initialize();
        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
            .useWorkingDirectoryEnvProperty()
            .build();
        LOGGER.info("Loading configuration {}", configuration);
        JamesServerMain.main(createServer(configuration, args));
    }

    static GuiceJamesServer createServer(MemoryJamesConfiguration configuration, String... args) {
        return MemoryJamesServerMain.createServer(configuration)
            .combineWith(new FakeSearchMailboxModule(), new JMXServerModule())
            .overrideWith(new DurableMailQueueModule(), new RelaySmtpModule())
            .overrideWith(new RunArgumentsModule(args));
    }
}
