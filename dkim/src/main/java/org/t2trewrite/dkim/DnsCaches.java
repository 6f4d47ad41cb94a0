package org.t2trewrite.dkim;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link CachedDns} per DNS setting for the whole relay: every {@link VerifyAuthentication} in
 * the pipeline (one per rewriting mailet) with the same server and time-outs shares one resolver
 * and one cache, so that a sender's key or policy is fetched once, whichever mailet meets it
 * first. Bound once in our Guice module. Thread safe.
 */
public final class DnsCaches {
    private final Clock clock;
    private final Map<String, CachedDns> bySetting = new HashMap<>();

    public DnsCaches() {
        this(Clock.systemUTC());
    }

    public DnsCaches(Clock clock) {
        this.clock = clock;
    }

    /**
     * The shared DNS for this setting, created on first use.
     *
     * @throws IllegalArgumentException as {@link CachedDns#create}
     */
    public synchronized CachedDns forSetting(String server, Duration queryTimeout, Duration budget) {
        String key = server.trim() + "|" + queryTimeout.toMillis() + "|" + budget.toMillis();
        CachedDns dns = bySetting.get(key);
        if (dns == null) {
            dns = CachedDns.create(server, queryTimeout, budget, clock);
            bySetting.put(key, dns);
        }
        return dns;
    }

    Clock clock() {
        return clock;
    }
}
