package org.t2trewrite.smtp;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses new mail with {@code 452 4.3.1} (insufficient system storage: the client tries again
 * later) at {@code MAIL FROM} while the heap is short, so that the relay stops taking mail before
 * it runs out of memory with mail it already accepted. Short means: the heap in use after the last
 * garbage collection (live data, not garbage), plus what the new mail would need ({@code factor}
 * times its {@code SIZE=} when the client declares one), is more than {@code maxPercent} of the
 * maximum heap. Receiving a mail costs little heap (James writes it to disk); the mails the
 * pipeline works on are bounded by its own memory budget ({@code PreserveMessageBytes}), and their
 * live data is what this hook sees filling the heap.
 *
 * <pre>{@code
 * <!-- smtpserver.xml, after CoreCmdHandlerLoader -->
 * <handler class="org.t2trewrite.smtp.RefuseWhenMemoryIsShort">
 *     <maxPercent>85</maxPercent>
 *     <factor>1</factor>
 * </handler>
 * }</pre>
 *
 * <ul>
 *   <li>{@code maxPercent} — default {@code 85} — 1 to 100: the share of the maximum heap that
 *       live data plus the new mail may take.</li>
 *   <li>{@code factor} — default {@code 1} — heap counted for the new mail per byte of its declared
 *       size.</li>
 * </ul>
 *
 * <p>Each refusal is logged at WARN with the numbers, at most once a minute (a refused client
 * retries, and many may). The measure is what the JVM's collectors report for the heap pools
 * after their last collection ({@code MemoryPoolMXBean#getCollectionUsage}); between collections
 * it can only be too high, never too low, for the live data it counts.
 *
 * <p>Limitations: mail already accepted is not counted by size, only by the live data it makes
 * while it is worked on. The relay's JVM exits on
 * an {@code OutOfMemoryError} ({@code -XX:+ExitOnOutOfMemoryError} in {@code ./relay} and the
 * image), so that accepted mail, on disk, is delivered after the restart instead of being lost in a
 * half-working process.
 */
public final class RefuseWhenMemoryIsShort implements MailHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RefuseWhenMemoryIsShort.class);
    static final String MAX_PERCENT = "maxPercent";
    static final String FACTOR = "factor";
    private static final String CLASS_ATTRIBUTE = "[@class]";
    /** Set by James's SIZE extension (RFC 1870) from {@code MAIL FROM:<...> SIZE=n}. */
    private static final ProtocolSession.AttachmentKey<Integer> DECLARED_SIZE =
        ProtocolSession.AttachmentKey.of("MESG_SIZE", Integer.class);
    private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

    static final HookResult MEMORY_SHORT = HookResult.builder()
        .hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode(SMTPRetCode.SYSTEM_STORAGE_ERROR)
        .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, DSNStatus.SYSTEM_FULL)
            + " Insufficient system storage, try again later")
        .build();

    private final LongSupplier liveHeap;
    private final LongSupplier maxHeap;
    private final LongSupplier clock;
    private int maxPercent = 85;
    private int factor = 1;
    private volatile long lastLog = Long.MIN_VALUE;

    public RefuseWhenMemoryIsShort() {
        this(RefuseWhenMemoryIsShort::liveHeapAfterLastCollection, () -> Runtime.getRuntime().maxMemory(), System::nanoTime);
    }

    RefuseWhenMemoryIsShort(LongSupplier liveHeap, LongSupplier maxHeap, LongSupplier clock) {
        this.liveHeap = liveHeap;
        this.maxHeap = maxHeap;
        this.clock = clock;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        List<String> unknown = iterable(config).stream()
            .filter(key -> !key.equals(MAX_PERCENT) && !key.equals(FACTOR) && !key.equals(CLASS_ATTRIBUTE))
            .collect(Collectors.toList());
        if (!unknown.isEmpty()) {
            throw new ConfigurationException(getClass().getName() + ": unknown element(s) " + unknown + "; known: <"
                + MAX_PERCENT + ">, <" + FACTOR + ">");
        }
        maxPercent = intValue(config, MAX_PERCENT, maxPercent, 1, 100);
        factor = intValue(config, FACTOR, factor, 1, 100);
    }

    private static List<String> iterable(Configuration config) {
        List<String> keys = new ArrayList<>();
        config.getKeys().forEachRemaining(keys::add);
        return keys;
    }

    private int intValue(Configuration config, String key, int defaultValue, int min, int max) throws ConfigurationException {
        String value = config.getString(key, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(getClass().getName() + ": <" + key + "> must be a whole number from " + min
            + " to " + max + ", not '" + value + "'");
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        long declared = declaredSize(session);
        long live = liveHeap.getAsLong();
        long max = maxHeap.getAsLong();
        long needed = live + factor * declared;
        if (max <= 0 || needed * 100 <= max * (long) maxPercent) {
            return HookResult.DECLINED;
        }
        long now = clock.getAsLong();
        if (lastLog == Long.MIN_VALUE || now - lastLog >= LOG_INTERVAL_NANOS) {
            lastLog = now;
            LOGGER.warn("refusing new mail for now (452 4.3.1): live heap {} MB + {} x declared size {} MB is over {}% of {} MB",
                mb(live), factor, mb(declared), maxPercent, mb(max));
        }
        return MEMORY_SHORT;
    }

    /** The size the client declared with {@code SIZE=} for this transaction, 0 when it declared none. */
    static long declaredSize(SMTPSession session) {
        return session.getAttachment(DECLARED_SIZE, State.Transaction).map(Integer::longValue).orElse(0L);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    /** The heap in use right after the last collection of each heap pool (live data), summed. */
    static long liveHeapAfterLastCollection() {
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP) {
                continue;
            }
            MemoryUsage afterCollection = pool.getCollectionUsage();
            if (afterCollection != null) {
                live += afterCollection.getUsed();
            }
        }
        return live;
    }
}
