package org.t2trewrite.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

class RequireStartTlsTest {
    private static final MaybeSender SENDER = MaybeSender.of(address("alice@source.example"));

    @Test
    void refusesMailBeforeStartTlsWith530() throws Exception {
        RequireStartTls hook = configured("true");

        HookResult result = hook.doMail(session(false), SENDER);

        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo("530");
        assertThat(result.getSmtpDescription()).isEqualTo("5.7.0 Must issue a STARTTLS command first");
    }

    @Test
    void refusesTheNullSenderBeforeStartTlsToo() throws Exception {
        RequireStartTls hook = configured("true");

        assertThat(hook.doMail(session(false), MaybeSender.nullSender()).getSmtpRetCode()).isEqualTo("530");
    }

    @Test
    void declinesAfterStartTlsSoThatJamesDecides() throws Exception {
        RequireStartTls hook = configured("true");

        assertThat(hook.doMail(session(true), SENDER)).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void declinesPlainMailWhenDisabled() throws Exception {
        RequireStartTls hook = configured(" False ");

        assertThat(hook.doMail(session(false), SENDER)).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void rejectsAMissingEnabledElement() {
        BaseHierarchicalConfiguration config = handlerElement();

        assertThatThrownBy(() -> new RequireStartTls().init(config))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("<enabled> is required");
    }

    @Test
    void rejectsANonBooleanValueNamingIt() {
        assertThatThrownBy(() -> configured("yes"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("<enabled> must be true or false, not 'yes'");
    }

    @Test
    void rejectsAnUnresolvedPlaceholder() {
        // What James passes when jvm.properties lacks t2t.smtp.requireTls: the placeholder itself.
        assertThatThrownBy(() -> configured("${sys:t2t.smtp.requireTls}"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("not '${sys:t2t.smtp.requireTls}'");
    }

    @Test
    void rejectsAMisspeltElement() {
        BaseHierarchicalConfiguration config = handlerElement();
        config.addProperty("enabled", "true");
        config.addProperty("enable", "true");

        assertThatThrownBy(() -> new RequireStartTls().init(config))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("unknown element(s) [enable]");
    }

    /** The hook configured as the class Javadoc's snippet does, with this value for {@code enabled}. */
    private static RequireStartTls configured(String enabled) throws ConfigurationException {
        BaseHierarchicalConfiguration config = handlerElement();
        config.addProperty(RequireStartTls.ENABLED, enabled);
        RequireStartTls hook = new RequireStartTls();
        hook.init(config);
        return hook;
    }

    /** A {@code <handler class="...">} element as James's ProtocolHandlerChainImpl hands it over. */
    private static BaseHierarchicalConfiguration handlerElement() {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("[@class]", RequireStartTls.class.getName());
        return config;
    }

    /** A session that answers only whether TLS is active: the one thing the hook may ask. */
    private static SMTPSession session(boolean tlsStarted) {
        return (SMTPSession) Proxy.newProxyInstance(RequireStartTlsTest.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> {
                if (method.getName().equals("isTLSStarted")) {
                    return tlsStarted;
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }

    private static MailAddress address(String value) {
        try {
            return new MailAddress(value);
        } catch (Exception e) {
            throw new IllegalArgumentException(value, e);
        }
    }
}
