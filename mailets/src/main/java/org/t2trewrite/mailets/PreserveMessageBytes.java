package org.t2trewrite.mailets;

import java.util.Locale;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.memory.MemoryBudget;
import org.t2trewrite.core.memory.MemoryBudget.Admission;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.MessageBytes;

/**
 * Re-installs the message as James received it (minus what earlier mailets removed, such as
 * {@code Bcc}), so that no later copy re-serialises it; and first waits, when the mails in work
 * already hold the pipeline's memory budget, until this one fits.
 *
 * <p>Stock James marks every relayed message modified in {@code transport} (the mandatory
 * {@code RemoveMimeHeader bcc} does so even without a {@code Bcc}); the next copy of a modified
 * message reorders headers, adds {@code Date}/{@code Message-ID} and fails on malformed MIME.
 * Run this mailet first in the processor that follows {@code transport}, before any matcher that
 * splits recipients. It changes no byte of the header lines or the body.
 *
 * <pre>{@code
 * <mailet match="All" class="org.t2trewrite.mailets.PreserveMessageBytes">
 *     <memoryBudget>40%</memoryBudget>
 *     <memoryFactor>4</memoryFactor>
 * </mailet>
 * }</pre>
 *
 * <ul>
 *   <li>{@code memoryBudget} — default {@code 40%} — heap the mails in work in the pipeline may hold
 *       together: a share of the JVM's maximum heap ({@code 1%} to {@code 100%}) or a size
 *       ({@code 300m}, {@code 2g}, {@code 500000k}).</li>
 *   <li>{@code memoryFactor} — default {@code 4} — heap a mail holds per byte of its size while it is
 *       rewritten and signed (measured: about 3.4, README "Performance").</li>
 * </ul>
 *
 * <p>Memory: each mail reserves {@code memoryFactor} times its size from the budget before its
 * bytes are copied here, and holds it until James disposes of it at the end of the pipeline (or
 * nothing refers to it any more). A mail that does not fit waits, in the order the mails came,
 * holding its spool thread; the spool threads ({@code t2t.spooler.threads}) bound how many wait.
 * So a heap too small for 20 threads of the largest mails makes the relay slower, not out of
 * memory. A mail that waited is logged at INFO ({@code rule=memory}) with what it waited for. The
 * SMTP server refuses mail that needs more than the whole budget ({@code RefuseMailTooLargeForMemory},
 * same two settings); one accepted before the budget was lowered is processed alone, logged at
 * WARN. See {@link MemoryBudget}. The rest of the heap is James's (about 50 MB idle, 80 MB under
 * load) and the garbage the pipeline leaves until it is collected.
 *
 * <p>On failure: a message that cannot be read throws {@link MessagingException}; James sends the
 * mail to the {@code error} processor, which keeps it. A bad parameter stops James at start-up.
 *
 * <p>Cost: one copy of the message, the only one our pieces make of a mail nobody rewrites;
 * the matchers and mailets that follow read these bytes and their parse without copying
 * ({@link MailMessages}).
 *
 * <p>Limitations: see {@link MailMessages} (whole message in memory; a missing blank line after
 * the header section is added). The budget counts the pipeline only: SMTP sessions receiving mail
 * (to disk) and deliveries in progress (streamed from disk) are outside it.
 */
public class PreserveMessageBytes extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(PreserveMessageBytes.class);
    static final String MEMORY_BUDGET = "memoryBudget";
    static final String MEMORY_FACTOR = "memoryFactor";
    private static final long MB = 1024 * 1024;

    private final long maxHeap;
    private MemoryBudget<Mail> budget;
    private int factor;

    public PreserveMessageBytes() {
        this(Runtime.getRuntime().maxMemory());
    }

    PreserveMessageBytes(long maxHeap) {
        this.maxHeap = maxHeap;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(MEMORY_BUDGET, MEMORY_FACTOR));
        long capacity = budgetBytes(getInitParameter(MEMORY_BUDGET, MemoryBudget.DEFAULT_CAPACITY), maxHeap);
        String factorText = getInitParameter(MEMORY_FACTOR, String.valueOf(MemoryBudget.DEFAULT_FACTOR));
        factor = MemoryBudget.factorOf(factorText).orElseThrow(() -> new MessagingException("PreserveMessageBytes: <"
            + MEMORY_FACTOR + "> must be a whole number from 1 to 100, not '" + factorText + "'"));
        budget = MemoryBudget.of(capacity, PreserveMessageBytes::isDisposed);
        LOGGER.info("pipeline memory budget: {} MB of {} MB heap, {} x each mail's size", capacity / MB, maxHeap / MB, factor);
    }

    /** James disposes of a mail at the end of the pipeline; a disposed {@link MailImpl} has no message. */
    private static boolean isDisposed(Mail mail) {
        try {
            return mail instanceof MailImpl && mail.getMessage() == null;
        } catch (MessagingException e) {
            return false;
        }
    }

    static long budgetBytes(String value, long maxHeap) throws MessagingException {
        return MemoryBudget.capacityOf(value, maxHeap).orElseThrow(() -> new MessagingException("PreserveMessageBytes: <"
            + MEMORY_BUDGET + "> must be a share of the heap from 1% to 100% or a positive size such as 300m or 2g, not '"
            + value + "'"));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        long size = Math.max(0, mail.getMessageSize());
        Admission admission = budget.admit(mail, size * factor);
        log(mail, size, admission);
        MessageBytes message = MailMessages.copyOf(mail.getMessage());
        MailMessages.install(mail, message);
        LOGGER.debug("mail {}: message bytes preserved ({} bytes)", mail.getName(), message.size());
    }

    private void log(Mail mail, long size, Admission admission) {
        switch (admission.kind()) {
            case AFTER_WAITING:
                LOGGER.info("mail={} rule=memory waited {} ms for {} MB of the pipeline's {} MB memory budget ({} MB message;"
                    + " the mails in work held {} MB)", mail.getName(), admission.waitedNanos() / 1_000_000, mb(admission.bytes()),
                    budget.capacity() / MB, mb(size), mb(admission.othersBytes()));
                break;
            case ALONE_OVER_BUDGET:
                LOGGER.warn("mail={} rule=memory needs {} MB ({} MB message x {}), more than the pipeline's whole memory budget of"
                    + " {} MB: processed alone, after waiting {} ms; a larger heap (or memoryBudget) is needed for such mail",
                    mail.getName(), mb(admission.bytes()), mb(size), factor, budget.capacity() / MB, admission.waitedNanos() / 1_000_000);
                break;
            case INTERRUPTED:
                LOGGER.warn("mail={} rule=memory interrupted while waiting for {} MB of the pipeline's memory budget (James is"
                    + " stopping): goes on without waiting", mail.getName(), mb(admission.bytes()));
                break;
            default:
                break;
        }
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) MB);
    }

    @Override
    public String getMailetInfo() {
        return "PreserveMessageBytes";
    }
}
