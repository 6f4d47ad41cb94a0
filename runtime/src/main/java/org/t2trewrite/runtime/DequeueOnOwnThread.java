package org.t2trewrite.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * James's mail queues, each consumer of a queue taking its mail on a thread of its own: the
 * factory the relay binds around James's ActiveMQ queue factory, changing nothing else.
 *
 * <p>Why: James's JMS queue takes mail with a blocking {@code receive} in a loop that runs on
 * whichever thread asks it for the next mail. James's {@code RemoteDelivery} asks from the threads
 * that deliver (a bounded elastic scheduler of 20 threads, up to 256 deliveries in flight), so the
 * loop moves onto one of them and never leaves it: it blocks in {@code receive} for 10 s, finds
 * nothing or a mail, and goes on. Once all 20 threads are busy, the scheduler hands new deliveries
 * to busy threads, some of them to the thread the loop holds; those never run. Their mail was taken
 * off the queue (James's consumer holds it, unacknowledged), so no other consumer gets it, nothing
 * is logged, and only a restart (closing the connection) gives it back. The fault soak lost 12 to
 * 24 of 10,000 mails that way whenever the next hop went down with more than 256 mails due.
 *
 * <p>How: every {@code deQueue()} subscription gets its own single thread, on which James's loop
 * is subscribed and asked for mail ({@code subscribeOn} with requests on that thread), so the loop
 * never runs on a caller's thread. The thread ends with the subscription. All other methods go to
 * James's queue as they are.
 */
final class DequeueOnOwnThread implements MailQueueFactory<ManageableMailQueue> {
    private final MailQueueFactory<? extends ManageableMailQueue> queues;
    private final Map<MailQueueName, ManageableMailQueue> decorated = new ConcurrentHashMap<>();

    DequeueOnOwnThread(MailQueueFactory<? extends ManageableMailQueue> queues) {
        this.queues = queues;
    }

    @Override
    public Optional<ManageableMailQueue> getQueue(MailQueueName name, PrefetchCount count) {
        return queues.getQueue(name, count).map(queue -> decorated.computeIfAbsent(name, n -> new Queue(queue)));
    }

    @Override
    public ManageableMailQueue createQueue(MailQueueName name, PrefetchCount count) {
        ManageableMailQueue queue = queues.createQueue(name, count);
        return decorated.computeIfAbsent(name, n -> new Queue(queue));
    }

    @Override
    public Set<MailQueueName> listCreatedMailQueues() {
        return queues.listCreatedMailQueues();
    }

    /** One of James's queues whose consumers each take mail on a thread of their own. */
    static final class Queue implements ManageableMailQueue {
        private final ManageableMailQueue queue;

        Queue(ManageableMailQueue queue) {
            this.queue = queue;
        }

        @Override
        public Publisher<MailQueueItem> deQueue() {
            return Flux.using(
                () -> Schedulers.newSingle("t2t-dequeue-" + queue.getName().asString(), true),
                (Scheduler thread) -> Flux.from(queue.deQueue()).subscribeOn(thread, true),
                Scheduler::dispose);
        }

        @Override
        public MailQueueName getName() {
            return queue.getName();
        }

        @Override
        public void enQueue(Mail mail, Duration delay) throws MailQueueException {
            queue.enQueue(mail, delay);
        }

        @Override
        public void enQueue(Mail mail) throws MailQueueException {
            queue.enQueue(mail);
        }

        @Override
        public Publisher<Void> enqueueReactive(Mail mail) {
            return queue.enqueueReactive(mail);
        }

        @Override
        public long getSize() throws MailQueueException {
            return queue.getSize();
        }

        @Override
        public Publisher<Long> getSizeReactive() {
            return queue.getSizeReactive();
        }

        @Override
        public long flush() throws MailQueueException {
            return queue.flush();
        }

        @Override
        public long clear() throws MailQueueException {
            return queue.clear();
        }

        @Override
        public long remove(Type type, String value) throws MailQueueException {
            return queue.remove(type, value);
        }

        @Override
        public MailQueueIterator browse() throws MailQueueException {
            return queue.browse();
        }

        @Override
        public void close() throws java.io.IOException {
            queue.close();
        }
    }
}
