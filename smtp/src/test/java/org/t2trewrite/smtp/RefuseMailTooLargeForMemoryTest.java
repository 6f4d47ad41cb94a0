package org.t2trewrite.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.Optional;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.Test;

class RefuseMailTooLargeForMemoryTest {
    private static final long MB = 1024 * 1024;

    /** The hook as the class Javadoc's snippet configures it, on a heap of 1,000 MB: at most 100 MB. */
    private static RefuseMailTooLargeForMemory configured(String budget, String factor) throws ConfigurationException {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("[@class]", RefuseMailTooLargeForMemory.class.getName());
        config.addProperty(RefuseMailTooLargeForMemory.MEMORY_BUDGET, budget);
        config.addProperty(RefuseMailTooLargeForMemory.MEMORY_FACTOR, factor);
        RefuseMailTooLargeForMemory hook = new RefuseMailTooLargeForMemory(1000 * MB);
        hook.init(config);
        return hook;
    }

    @Test
    void takesAMailWhoseWorkingMemoryFitsTheBudget() throws Exception {
        RefuseMailTooLargeForMemory hook = configured("40%", "4");
        assertThat(hook.largest()).isEqualTo(1000 * MB / 100 * 40 / 4);
        assertThat(hook.doMail(session(99 * MB), MaybeSender.nullSender())).isEqualTo(HookResult.DECLINED);
        assertThat(hook.doMail(session(null), MaybeSender.nullSender())).isEqualTo(HookResult.DECLINED);
        assertThat(hook.onMessage(session(null), envelope(99 * MB))).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void refusesWithA552AtMailFromWhenTheDeclaredSizeNeedsMoreThanTheBudget() throws Exception {
        HookResult result = configured("40%", "4").doMail(session(101 * MB), MaybeSender.nullSender());

        assertThat(result.getSmtpRetCode()).isEqualTo("552");
        assertThat(result.getSmtpDescription()).startsWith("5.3.4 Message too large for this relay");
    }

    @Test
    void refusesWithA552AtTheEndOfDataWhenTheReceivedSizeNeedsMoreThanTheBudget() throws Exception {
        HookResult result = configured("300m", "2").onMessage(session(null), envelope(151 * MB));

        assertThat(result.getSmtpRetCode()).isEqualTo("552");
        assertThat(result.getSmtpDescription()).contains("at most " + 150 * MB + " bytes");
    }

    @Test
    void refusesAnUnknownElementOrABadValueAtStartUp() {
        assertThatThrownBy(() -> configured("lots", "4"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("<memoryBudget> must be");
        assertThatThrownBy(() -> configured("40%", "0"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("<memoryFactor> must be");
        BaseHierarchicalConfiguration unknown = new BaseHierarchicalConfiguration();
        unknown.addProperty("budget", "40%");
        assertThatThrownBy(() -> new RefuseMailTooLargeForMemory().init(unknown))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown element(s) [budget]");
    }

    /** A session with a client address that answers the SIZE= the client declared (James's MESG_SIZE attachment). */
    private static SMTPSession session(Long declared) {
        return (SMTPSession) Proxy.newProxyInstance(RefuseMailTooLargeForMemoryTest.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> {
                if (method.getName().equals("getAttachment") && args[0].equals(ProtocolSession.AttachmentKey.of("MESG_SIZE", Integer.class))
                    && args[1] == ProtocolSession.State.Transaction) {
                    return Optional.ofNullable(declared).map(Long::intValue);
                }
                if (method.getName().equals("getRemoteAddress")) {
                    return new InetSocketAddress("192.0.2.7", 40000);
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }

    private static MailEnvelope envelope(long size) {
        return (MailEnvelope) Proxy.newProxyInstance(RefuseMailTooLargeForMemoryTest.class.getClassLoader(), new Class<?>[] {MailEnvelope.class},
            (proxy, method, args) -> {
                if (method.getName().equals("getSize")) {
                    return size;
                }
                if (method.getName().equals("getMaybeSender")) {
                    return MaybeSender.nullSender();
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }
}
