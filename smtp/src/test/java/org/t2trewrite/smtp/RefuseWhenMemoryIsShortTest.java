package org.t2trewrite.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.Test;

class RefuseWhenMemoryIsShortTest {
    private static final long MB = 1024 * 1024;
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong now = new AtomicLong();

    /** The hook as the class Javadoc's snippet configures it, on a 1,000 MB heap with {@link #live} live data. */
    private RefuseWhenMemoryIsShort configured() throws ConfigurationException {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("[@class]", RefuseWhenMemoryIsShort.class.getName());
        config.addProperty(RefuseWhenMemoryIsShort.MAX_PERCENT, "85");
        config.addProperty(RefuseWhenMemoryIsShort.FACTOR, "1");
        RefuseWhenMemoryIsShort hook = new RefuseWhenMemoryIsShort(live::get, () -> 1000 * MB, now::get);
        hook.init(config);
        return hook;
    }

    @Test
    void acceptsMailWhileLiveDataAndTheDeclaredSizeFit() throws Exception {
        live.set(300 * MB);
        assertThat(configured().doMail(session(100 * MB), MaybeSender.nullSender())).isEqualTo(HookResult.DECLINED);
        assertThat(configured().doMail(session(null), MaybeSender.nullSender())).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void refusesWithA452WhenTheDeclaredSizeWouldNotFit() throws Exception {
        live.set(300 * MB);
        HookResult result = configured().doMail(session(600 * MB), MaybeSender.nullSender());

        assertThat(result.getSmtpRetCode()).isEqualTo("452");
        assertThat(result.getSmtpDescription()).startsWith("4.3.1");
    }

    @Test
    void refusesEvenUndeclaredMailWhenLiveDataIsOverTheShare() throws Exception {
        live.set(900 * MB);
        assertThat(configured().doMail(session(null), MaybeSender.nullSender()).getSmtpRetCode()).isEqualTo("452");
    }

    @Test
    void refusesAnUnknownElementOrABadValueAtStartUp() {
        BaseHierarchicalConfiguration unknown = new BaseHierarchicalConfiguration();
        unknown.addProperty("maxpercent", "85");
        assertThatThrownBy(() -> new RefuseWhenMemoryIsShort().init(unknown))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown element(s) [maxpercent]");
        BaseHierarchicalConfiguration bad = new BaseHierarchicalConfiguration();
        bad.addProperty(RefuseWhenMemoryIsShort.MAX_PERCENT, "150");
        assertThatThrownBy(() -> new RefuseWhenMemoryIsShort().init(bad))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("<maxPercent> must be a whole number from 1 to 100");
    }

    @Test
    void measuresTheLiveHeapOfThisJvm() {
        System.gc();
        long measured = RefuseWhenMemoryIsShort.liveHeapAfterLastCollection();
        assertThat(measured).isPositive().isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
    }

    /** A session that answers only the SIZE= the client declared (James's MESG_SIZE attachment). */
    private static SMTPSession session(Long declared) {
        return (SMTPSession) Proxy.newProxyInstance(RefuseWhenMemoryIsShortTest.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> {
                if (method.getName().equals("getAttachment") && args[0].equals(ProtocolSession.AttachmentKey.of("MESG_SIZE", Integer.class))
                    && args[1] == ProtocolSession.State.Transaction) {
                    return Optional.ofNullable(declared).map(Long::intValue);
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }
}
