package org.t2trewrite.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.t2trewrite.core.memory.MemoryBudget.Admission;

class MemoryBudgetTest {
    private static final long MB = 1024 * 1024;

    /** A mail in work until {@link #finish()}. */
    private static final class Work {
        private volatile boolean done;

        void finish() {
            done = true;
        }

        boolean isDone() {
            return done;
        }
    }

    private static MemoryBudget<Work> budget(long capacity, Runnable collector) {
        return MemoryBudget.of(capacity, Work::isDone, System::nanoTime, collector, 5, 50_000_000L);
    }

    private static CompletableFuture<Admission> admitLater(MemoryBudget<Work> budget, Work work, long bytes) {
        return CompletableFuture.supplyAsync(() -> budget.admit(work, bytes));
    }

    /** True while the future has not completed within a short grace time. */
    private static boolean stillWaiting(CompletableFuture<?> future) throws Exception {
        Thread.sleep(150);
        return !future.isDone();
    }

    @Test
    void admitsAtOnceWhatFitsNextToTheMailsInWork() {
        MemoryBudget<Work> budget = budget(100 * MB, () -> { });
        Work first = new Work();
        Work second = new Work();

        assertThat(budget.admit(first, 60 * MB).kind()).isEqualTo(Admission.Kind.AT_ONCE);
        Admission admission = budget.admit(second, 40 * MB);

        assertThat(admission.kind()).isEqualTo(Admission.Kind.AT_ONCE);
        assertThat(admission.othersBytes()).isEqualTo(60 * MB);
        assertThat(budget.reservedBytes()).isEqualTo(100 * MB);
        assertThat(first.isDone() || second.isDone()).isFalse(); // in work (and reachable) until here
    }

    @Test
    void aMailThatDoesNotFitWaitsUntilAMailInWorkIsFinished() throws Exception {
        MemoryBudget<Work> budget = budget(100 * MB, () -> { });
        Work first = new Work();
        budget.admit(first, 80 * MB);

        Work secondWork = new Work();
        CompletableFuture<Admission> second = admitLater(budget, secondWork, 80 * MB);
        assertThat(stillWaiting(second)).isTrue();

        first.finish();
        Admission admission = second.get(5, TimeUnit.SECONDS);
        assertThat(admission.kind()).isEqualTo(Admission.Kind.AFTER_WAITING);
        assertThat(admission.othersBytes()).isZero();
        assertThat(budget.reservedBytes()).isEqualTo(80 * MB);
        assertThat(secondWork.isDone()).isFalse(); // in work (and reachable) until here
    }

    @Test
    void aMailNothingRefersToAnyMoreIsFoundFinishedAfterTheCollectionAWaiterAsksFor() throws Exception {
        AtomicInteger collections = new AtomicInteger();
        MemoryBudget<Work> budget = budget(100 * MB, () -> {
            collections.incrementAndGet();
            System.gc();
        });
        budget.admit(new Work(), 80 * MB); // never finished, and unreachable from here on

        Admission admission = budget.admit(new Work(), 80 * MB);

        assertThat(admission.kind()).isEqualTo(Admission.Kind.AFTER_WAITING);
        assertThat(collections).hasPositiveValue();
    }

    @Test
    void asksForNoCollectionBeforeAMailHasWaitedTheInterval() throws Exception {
        AtomicInteger collections = new AtomicInteger();
        MemoryBudget<Work> budget = MemoryBudget.of(100 * MB, Work::isDone, System::nanoTime, collections::incrementAndGet, 5,
            TimeUnit.MINUTES.toNanos(10));
        Work first = new Work();
        budget.admit(first, 80 * MB);
        CompletableFuture<Admission> second = admitLater(budget, new Work(), 80 * MB);
        assertThat(stillWaiting(second)).isTrue();

        first.finish();
        second.get(5, TimeUnit.SECONDS);
        assertThat(collections).hasValue(0);
    }

    @Test
    void aMailLargerThanTheWholeBudgetIsAdmittedAloneOnceNothingElseIsInWork() throws Exception {
        MemoryBudget<Work> budget = budget(100 * MB, () -> { });
        Work small = new Work();
        budget.admit(small, 10 * MB);

        Work hugeWork = new Work();
        CompletableFuture<Admission> huge = admitLater(budget, hugeWork, 300 * MB);
        assertThat(stillWaiting(huge)).isTrue();

        small.finish();
        Admission admission = huge.get(5, TimeUnit.SECONDS);
        assertThat(admission.kind()).isEqualTo(Admission.Kind.ALONE_OVER_BUDGET);
        assertThat(budget.reservedBytes()).isEqualTo(300 * MB);
        assertThat(hugeWork.isDone()).isFalse(); // in work (and reachable) until here
    }

    @Test
    void mailsAreAdmittedInTheOrderTheyAskedSoALargeOneIsNotOvertakenForever() throws Exception {
        MemoryBudget<Work> budget = budget(100 * MB, () -> { });
        Work first = new Work();
        Work largeWork = new Work();
        budget.admit(first, 60 * MB);
        CompletableFuture<Admission> large = admitLater(budget, largeWork, 80 * MB);
        assertThat(stillWaiting(large)).isTrue();

        CompletableFuture<Admission> small = admitLater(budget, new Work(), 10 * MB);
        assertThat(stillWaiting(small)).as("a small mail that would fit waits behind the large one").isTrue();

        first.finish();
        assertThat(large.get(5, TimeUnit.SECONDS).kind()).isEqualTo(Admission.Kind.AFTER_WAITING);
        assertThat(small.get(5, TimeUnit.SECONDS).othersBytes()).isEqualTo(80 * MB);
        assertThat(largeWork.isDone()).isFalse(); // in work (and reachable) until here
    }

    @Test
    void aThreadInterruptedWhileWaitingGoesOnWithoutAReservationAndKeepsItsInterruptStatus() throws Exception {
        MemoryBudget<Work> budget = budget(100 * MB, () -> { });
        Work inWork = new Work();
        budget.admit(inWork, 100 * MB);
        Work keep = new Work();
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        CompletableFuture<Admission> admission = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            admission.complete(budget.admit(keep, 50 * MB));
            interruptedAfter.complete(Thread.currentThread().isInterrupted());
        });
        thread.start();
        Thread.sleep(100);
        thread.interrupt();

        assertThat(admission.get(5, TimeUnit.SECONDS).kind()).isEqualTo(Admission.Kind.INTERRUPTED);
        assertThat(interruptedAfter.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(budget.reservedBytes()).isEqualTo(100 * MB);
        assertThat(inWork.isDone()).isFalse(); // in work (and reachable) until here
    }

    @Test
    void refusesABudgetThatIsNotPositive() {
        assertThatThrownBy(() -> MemoryBudget.of(0, (Work work) -> false))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }
}
