package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DnsCachesTest {
    private final DnsCaches caches = new DnsCaches();

    @Test
    void everyUserOfOneSettingSharesOneCache() {
        CachedDns first = caches.forSetting("127.0.0.1:5353", Duration.ofSeconds(2), Duration.ofSeconds(5));
        CachedDns second = caches.forSetting(" 127.0.0.1:5353 ", Duration.ofMillis(2000), Duration.ofMillis(5000));

        assertThat(second).isSameAs(first);
    }

    @Test
    void anotherServerOrTimeOutIsAnotherCache() {
        CachedDns first = caches.forSetting("127.0.0.1:5353", Duration.ofSeconds(2), Duration.ofSeconds(5));

        assertThat(caches.forSetting("127.0.0.1:5354", Duration.ofSeconds(2), Duration.ofSeconds(5))).isNotSameAs(first);
        assertThat(caches.forSetting("127.0.0.1:5353", Duration.ofSeconds(1), Duration.ofSeconds(5))).isNotSameAs(first);
    }

    @Test
    void aBadSettingIsRefusedAndNotKept() {
        assertThatThrownBy(() -> caches.forSetting("127.0.0.1:5353", Duration.ZERO, Duration.ofSeconds(5)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(caches.forSetting("127.0.0.1:5353", Duration.ofSeconds(2), Duration.ofSeconds(5))).isNotNull();
    }
}
