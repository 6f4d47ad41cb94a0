package org.t2trewrite.core.memory;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Heap the relay's pipeline may hold for the mails it works on at once: a mail is admitted when
 * the memory it needs fits next to what the mails still in work hold, and otherwise waits, first
 * come first served, until enough of them are done. Under a heap too small for its spooler threads
 * and its largest mails the relay then works on fewer mails at a time, slower, instead of running
 * out of memory with all of them (and, restarted, again).
 *
 * <p>A reservation belongs to a holder (the mail) and ends on its own: when the holder is
 * finished (a predicate given at construction, for a mail: James disposed it) or when it is no
 * longer reachable (the budget keeps only a weak reference). Nothing has to give memory back
 * explicitly, so no path of the pipeline (split, kept, requeued, failed) can leak a reservation.
 * Unreachable holders are only noticed after a garbage collection: a mail that has waited longer
 * than {@code collectAfterNanos} asks for one (at most one per that interval across all waiters).
 *
 * <p>A mail that needs more than the whole budget is admitted alone, once nothing else is
 * reserved: refusing it would keep it forever, and alone it has the best chance to fit.
 *
 * <p>Not a measure of the heap: the reservation is the caller's estimate (size times a factor).
 * Memory used outside the pipeline (the SMTP server, delivery) is not counted.
 *
 * @param <T> the holder of a reservation (a mail)
 */
public final class MemoryBudget<T> {
    /** The budget when none is configured: a share of the maximum heap. */
    public static final String DEFAULT_CAPACITY = "40%";
    /** Heap a mail is counted for per byte of its size when no factor is configured (measured: about 3.4). */
    public static final int DEFAULT_FACTOR = 4;
    private static final int PURGE_ABOVE = 64;

    private final long capacity;
    private final Predicate<T> finished;
    private final LongSupplier clock;
    private final Runnable collector;
    private final long pollMillis;
    private final long collectAfterNanos;
    private final List<Reservation<T>> reservations = new ArrayList<>();
    private final Deque<Object> waiting = new ArrayDeque<>();
    private long reserved;
    private long lastCollection = Long.MIN_VALUE;

    private MemoryBudget(long capacity, Predicate<T> finished, LongSupplier clock, Runnable collector, long pollMillis,
                         long collectAfterNanos) {
        this.capacity = capacity;
        this.finished = finished;
        this.clock = clock;
        this.collector = collector;
        this.pollMillis = pollMillis;
        this.collectAfterNanos = collectAfterNanos;
    }

    /**
     * A budget of {@code capacity} bytes; a waiting mail looks again every 100 ms and, after a
     * second, asks the JVM for a garbage collection ({@code System.gc()}) to find finished mails
     * nothing refers to any more.
     */
    public static <T> MemoryBudget<T> of(long capacity, Predicate<T> finished) {
        return of(capacity, finished, System::nanoTime, System::gc, 100, 1_000_000_000L);
    }

    /** As {@link #of(long, Predicate)}, with the clock, the collector and the intervals given (tests). */
    public static <T> MemoryBudget<T> of(long capacity, Predicate<T> finished, LongSupplier clock, Runnable collector,
                                         long pollMillis, long collectAfterNanos) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a memory budget must be positive, not " + capacity);
        }
        return new MemoryBudget<>(capacity, Objects.requireNonNull(finished), Objects.requireNonNull(clock),
            Objects.requireNonNull(collector), pollMillis, collectAfterNanos);
    }

    public long capacity() {
        return capacity;
    }

    /** A factor as configured: a whole number from 1 to 100; empty when the text is not one. */
    public static Optional<Integer> factorOf(String text) {
        try {
            int factor = Integer.parseInt(text.trim());
            return factor >= 1 && factor <= 100 ? Optional.of(factor) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * A budget as configured: a share of the maximum heap ({@code 40%}, from 1 to 100) or a size in
     * bytes, {@code k}, {@code m} or {@code g} ({@code 300m}); empty when the text is neither.
     */
    public static Optional<Long> capacityOf(String text, long maxHeap) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("%")) {
                int percent = Integer.parseInt(value.substring(0, value.length() - 1).trim());
                return percent >= 1 && percent <= 100 && maxHeap > 0 ? Optional.of(maxHeap / 100 * percent) : Optional.empty();
            }
            long unit = value.endsWith("k") ? 1024 : value.endsWith("m") ? 1024 * 1024 : value.endsWith("g") ? 1024 * 1024 * 1024 : 1;
            long number = Long.parseLong(unit == 1 ? value : value.substring(0, value.length() - 1).trim());
            return number > 0 && number <= Long.MAX_VALUE / unit ? Optional.of(number * unit) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Waits until {@code bytes} fit next to the reservations of holders still in work, then
     * reserves them for {@code holder}. A thread interrupted while waiting is admitted at once
     * without a reservation, with its interrupt status set again (James interrupts its spool
     * threads to stop; the mail then goes the way any interrupted mail goes).
     */
    public Admission admit(T holder, long bytes) {
        Objects.requireNonNull(holder);
        long need = Math.max(0, bytes);
        long started = clock.getAsLong();
        Object ticket = new Object();
        boolean waited = false;
        synchronized (this) {
            waiting.addLast(ticket);
            try {
                while (!(waiting.peekFirst() == ticket && fits(need))) {
                    waited = true;
                    collectIfWaitingLong(started);
                    try {
                        wait(pollMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return new Admission(Admission.Kind.INTERRUPTED, need, reservedBytes(), waitedNanos(started));
                    }
                }
                boolean alone = need > capacity;
                reservations.add(new Reservation<>(holder, need));
                reserved += need;
                Admission.Kind kind = alone ? Admission.Kind.ALONE_OVER_BUDGET
                    : waited ? Admission.Kind.AFTER_WAITING : Admission.Kind.AT_ONCE;
                return new Admission(kind, need, reserved - need, waitedNanos(started));
            } finally {
                waiting.remove(ticket);
                notifyAll();
            }
        }
    }

    /** Bytes reserved for holders still in work (finished and unreachable ones dropped first). */
    public synchronized long reservedBytes() {
        purge();
        return reserved;
    }

    private boolean fits(long need) {
        if (reserved + need <= capacity && reservations.size() <= PURGE_ABOVE) {
            return true;
        }
        purge();
        return reserved + need <= capacity || reserved == 0;
    }

    private void purge() {
        for (Iterator<Reservation<T>> it = reservations.iterator(); it.hasNext(); ) {
            Reservation<T> reservation = it.next();
            T holder = reservation.holder.get();
            if (holder == null || finished.test(holder)) {
                reserved -= reservation.bytes;
                it.remove();
            }
        }
    }

    private void collectIfWaitingLong(long started) {
        long now = clock.getAsLong();
        if (now - started >= collectAfterNanos && (lastCollection == Long.MIN_VALUE || now - lastCollection >= collectAfterNanos)) {
            lastCollection = now;
            collector.run();
        }
    }

    private long waitedNanos(long started) {
        return Math.max(0, clock.getAsLong() - started);
    }

    private static final class Reservation<T> {
        final WeakReference<T> holder;
        final long bytes;

        Reservation(T holder, long bytes) {
            this.holder = new WeakReference<>(holder);
            this.bytes = bytes;
        }
    }

    /** How a mail was admitted, with the numbers for its log line. */
    public static final class Admission {
        /** Admitted at once; after waiting; alone, needing more than the whole budget; or interrupted while waiting. */
        public enum Kind { AT_ONCE, AFTER_WAITING, ALONE_OVER_BUDGET, INTERRUPTED }

        private final Kind kind;
        private final long bytes;
        private final long othersBytes;
        private final long waitedNanos;

        Admission(Kind kind, long bytes, long othersBytes, long waitedNanos) {
            this.kind = kind;
            this.bytes = bytes;
            this.othersBytes = othersBytes;
            this.waitedNanos = waitedNanos;
        }

        public Kind kind() {
            return kind;
        }

        /** What this mail reserved (nothing when {@link Kind#INTERRUPTED}: this is what it asked for). */
        public long bytes() {
            return bytes;
        }

        /** What the other mails in work held when this one was admitted. */
        public long othersBytes() {
            return othersBytes;
        }

        public long waitedNanos() {
            return waitedNanos;
        }

        @Override
        public String toString() {
            return kind + " " + bytes + " bytes (others " + othersBytes + ", waited " + waitedNanos / 1_000_000 + " ms)";
        }
    }
}
