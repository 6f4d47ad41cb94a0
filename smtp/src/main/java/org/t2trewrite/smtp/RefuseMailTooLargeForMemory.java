package org.t2trewrite.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.memory.MemoryBudget;

/**
 * Refuses, with {@code 552 5.3.4}, mail that needs more heap than the pipeline's whole memory
 * budget ({@code PreserveMessageBytes}): at {@code MAIL FROM} when the client declares its
 * {@code SIZE=}, else at the end of {@code DATA}, before it is queued. Such a mail could only be
 * worked on alone and would still leave too little heap: accepted, it risks an
 * {@code OutOfMemoryError}, the JVM's exit, and the same again after every restart. Refused, the
 * sender's server returns it to its author with the reason. So the largest mail a relay takes is
 * {@code memoryBudget / memoryFactor} (with the defaults, a tenth of the heap), or
 * {@code maxmessagesize} when that is smaller.
 *
 * <pre>{@code
 * <!-- smtpserver.xml, after CoreCmdHandlerLoader -->
 * <handler class="org.t2trewrite.smtp.RefuseMailTooLargeForMemory">
 *     <memoryBudget>40%</memoryBudget>
 *     <memoryFactor>4</memoryFactor>
 * </handler>
 * }</pre>
 *
 * <ul>
 *   <li>{@code memoryBudget} — default {@code 40%} — as {@code PreserveMessageBytes}'s: a share of
 *       the maximum heap or a size ({@code 300m}). Give both the same value
 *       ({@code ${sys:t2t.memory.budget}} in the shipped configuration).</li>
 *   <li>{@code memoryFactor} — default {@code 4} — as {@code PreserveMessageBytes}'s
 *       ({@code ${sys:t2t.memory.factor}}).</li>
 * </ul>
 *
 * <p>Each refusal is logged at WARN with the sender, the client, the size and the limit. The limit
 * is logged at start-up.
 *
 * <p>On failure: a bad setting stops James at start-up.
 */
public final class RefuseMailTooLargeForMemory implements MailHook, MessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RefuseMailTooLargeForMemory.class);
    static final String MEMORY_BUDGET = "memoryBudget";
    static final String MEMORY_FACTOR = "memoryFactor";
    private static final String CLASS_ATTRIBUTE = "[@class]";

    private final long maxHeap;
    private long largest;

    public RefuseMailTooLargeForMemory() {
        this(Runtime.getRuntime().maxMemory());
    }

    RefuseMailTooLargeForMemory(long maxHeap) {
        this.maxHeap = maxHeap;
        this.largest = MemoryBudget.capacityOf(MemoryBudget.DEFAULT_CAPACITY, maxHeap).orElse(Long.MAX_VALUE)
            / MemoryBudget.DEFAULT_FACTOR;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        List<String> unknown = new ArrayList<>();
        config.getKeys().forEachRemaining(unknown::add);
        unknown.removeIf(key -> key.equals(MEMORY_BUDGET) || key.equals(MEMORY_FACTOR) || key.equals(CLASS_ATTRIBUTE));
        if (!unknown.isEmpty()) {
            throw new ConfigurationException(getClass().getName() + ": unknown element(s) " + unknown + "; known: <"
                + MEMORY_BUDGET + ">, <" + MEMORY_FACTOR + ">");
        }
        String budgetText = config.getString(MEMORY_BUDGET, MemoryBudget.DEFAULT_CAPACITY);
        long budget = MemoryBudget.capacityOf(budgetText, maxHeap).orElseThrow(() -> new ConfigurationException(
            getClass().getName() + ": <" + MEMORY_BUDGET + "> must be a share of the heap from 1% to 100% or a positive size"
                + " such as 300m or 2g, not '" + budgetText + "'"));
        String factorText = config.getString(MEMORY_FACTOR, String.valueOf(MemoryBudget.DEFAULT_FACTOR));
        int factor = MemoryBudget.factorOf(factorText).orElseThrow(() -> new ConfigurationException(getClass().getName()
            + ": <" + MEMORY_FACTOR + "> must be a whole number from 1 to 100, not '" + factorText + "'"));
        largest = budget / factor;
        LOGGER.info("largest mail the pipeline's memory takes: {} MB (memory budget {} MB / {})", mb(largest), mb(budget), factor);
    }

    /** The largest message size taken, in bytes. */
    long largest() {
        return largest;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        return check(session, sender, RefuseWhenMemoryIsShort.declaredSize(session), "declared");
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope envelope) {
        return check(session, envelope.getMaybeSender(), envelope.getSize(), "received");
    }

    private HookResult check(SMTPSession session, MaybeSender sender, long size, String how) {
        if (size <= largest) {
            return HookResult.DECLINED;
        }
        LOGGER.warn("mail from {} ({}): {} size {} MB is more than the {} MB this relay's memory takes (memory budget / factor);"
            + " answered 552", sender.asString(), session.getRemoteAddress().getAddress().getHostAddress(), how, mb(size), mb(largest));
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(SMTPRetCode.QUOTA_EXCEEDED)
            .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.SYSTEM_MSG_TOO_BIG)
                + " Message too large for this relay: at most " + largest + " bytes")
            .build();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
