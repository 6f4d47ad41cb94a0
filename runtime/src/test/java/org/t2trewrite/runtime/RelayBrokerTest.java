package org.t2trewrite.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.broker.BrokerRegistry;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.region.BaseDestination;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.core.MailAddress;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorNoop;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.JamesServerResourceLoader;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.reactivestreams.Subscription;

import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The relay's broker with James's ActiveMQ mail queue on it, as {@link DurableMailQueueModule}
 * wires them, in a temporary work directory.
 */
class RelayBrokerTest {
    @TempDir
    Path work;

    private RelayBroker relayBroker;
    private ActiveMQMailQueueFactory queues;

    @BeforeEach
    void start() throws Exception {
        relayBroker = new RelayBroker(new FileSystemImpl(new JamesServerResourceLoader(work.toString())));
        queues = new ActiveMQMailQueueFactory(relayBroker.connectionFactory(), new RawMailQueueItemDecoratorFactory(),
            new RecordingMetricFactory(), new NoopGaugeRegistry(), new ActiveMQMetricCollectorNoop());
        queues.setUseJMX(false);
        queues.init();
    }

    @AfterEach
    void stop() throws Exception {
        queues.destroy();
        relayBroker.stop();
    }

    @Test
    void everyQueueIsReadFromTheJournalWithNoCacheAndNoWriteStillInFlight() throws Exception {
        ManageableMailQueue outgoing = queues.createQueue(MailQueueName.of("outgoing"));
        MailImpl mail = mail("first");
        outgoing.enQueue(mail);
        LifecycleUtil.dispose(mail);

        BrokerService broker = BrokerRegistry.getInstance().lookup(RelayBroker.BROKER_NAME);
        BaseDestination queue = (BaseDestination) broker.getDestination(new ActiveMQQueue("outgoing"));
        assertThat(queue.isUseCache()).as("message cache of the queue 'outgoing'").isFalse();
        assertThat(((KahaDBPersistenceAdapter) broker.getPersistenceAdapter()).isConcurrentStoreAndDispatchQueues())
            .as("KahaDB concurrentStoreAndDispatchQueues").isFalse();
    }

    @Test
    void deliversEveryMailOnceWhileProducersAndRetriesRaceTheReader() throws Exception {
        ManageableMailQueue outgoing = queues.createQueue(MailQueueName.of("outgoing"));
        Set<String> dequeued = ConcurrentHashMap.newKeySet();
        Set<String> retried = ConcurrentHashMap.newKeySet();
        List<String> duplicates = new CopyOnWriteArrayList<>();
        int producers = 4;
        int perProducer = 100;
        CountDownLatch all = new CountDownLatch(producers * perProducer);
        ExecutorService handlers = Executors.newFixedThreadPool(4);
        // RemoteDelivery's shape: one dequeue loop, mails handled by a pool; every tenth mail fails
        // once and goes back with a delay, its dequeue committed.
        Disposable reader = Flux.from(outgoing.deQueue())
            .flatMap(item -> Mono.fromRunnable(() -> handle(outgoing, item, dequeued, retried, duplicates, all))
                .subscribeOn(Schedulers.fromExecutor(handlers)), 4)
            .subscribeOn(Schedulers.newSingle("dequeue"))
            .subscribe();
        ExecutorService senders = Executors.newFixedThreadPool(producers);
        try {
            for (int p = 0; p < producers; p++) {
                int producer = p;
                senders.submit(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        MailImpl mail = mail("p" + producer + "-" + i);
                        outgoing.enQueue(mail);
                        LifecycleUtil.dispose(mail);
                    }
                    return null;
                });
            }

            assertThat(all.await(120, TimeUnit.SECONDS)).as("all %d mails dequeued, missing %d",
                producers * perProducer, all.getCount()).isTrue();
            assertThat(dequeued).hasSize(producers * perProducer);
            assertThat(duplicates).isEmpty();
            assertThat(retried).isNotEmpty();
        } finally {
            reader.dispose();
            senders.shutdownNow();
            handlers.shutdownNow();
        }
    }

    /**
     * How RemoteDelivery asks a queue for mail (James 3.8.1 {@code DeliveryRunnable}, seen in a
     * stuck relay's {@code jstack}): the first request from the thread that subscribes, every later
     * one from the delivery thread that just finished a mail, here the only one.
     */
    private static HandOver deliver(ManageableMailQueue queue, int mails, Duration wait) throws Exception {
        for (int i = 0; i < mails; i++) {
            MailImpl mail = mail("due-" + i);
            queue.enQueue(mail);
            LifecycleUtil.dispose(mail);
        }
        List<String> threads = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(mails);
        ExecutorService delivery = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "delivery"));
        BaseSubscriber<MailQueueItem> remoteDelivery = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                request(1);
            }

            @Override
            protected void hookOnNext(MailQueueItem item) {
                threads.add(Thread.currentThread().getName());
                delivery.execute(() -> {
                    try {
                        Thread.sleep(200); // a delivery: meanwhile the loop has taken the next mail and holds it
                        item.done(MailQueueItem.CompletionStatus.SUCCESS);
                        LifecycleUtil.dispose(item.getMail());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    all.countDown();
                    request(1);
                });
            }
        };
        // Subscribed on a single thread, but later requests go straight to the queue, as in
        // DeliveryRunnable, whose subscribeOn sits after its flatMap.
        Flux.from(queue.deQueue()).subscribeOn(Schedulers.newSingle("dequeue"), false).subscribe(remoteDelivery);
        try {
            all.await(wait.toMillis(), TimeUnit.MILLISECONDS);
            return new HandOver(threads, mails - (int) all.getCount());
        } finally {
            remoteDelivery.dispose();
            delivery.shutdownNow();
        }
    }

    @Test
    void theDequeueLoopNeverRunsOnTheThreadThatAsksForTheNextMail() throws Exception {
        ManageableMailQueue outgoing = new DequeueOnOwnThread(queues).createQueue(MailQueueName.of("outgoing"));

        HandOver handOver = deliver(outgoing, 5, Duration.ofSeconds(60));

        assertThat(handOver.delivered).isEqualTo(5);
        assertThat(handOver.threads).hasSize(5).allMatch(name -> name.startsWith("t2t-dequeue-outgoing"));
    }

    @Test
    void withoutItJamesDequeueLoopTakesOverTheDeliveryThreadAndTheNextMailIsNeverDelivered() throws Exception {
        // The reason DequeueOnOwnThread exists, as the fault soak met it: the loop moves onto the
        // delivery thread that asked for the next mail, blocks it in receive() for good, and the
        // mail it had taken is never delivered nor released. If this ever starts failing, James (or
        // Reactor) changed and DequeueOnOwnThread may go.
        ManageableMailQueue outgoing = queues.createQueue(MailQueueName.of("outgoing"));

        HandOver handOver = deliver(outgoing, 5, Duration.ofSeconds(15));

        assertThat(handOver.threads).as("threads the mails were handed over on").contains("delivery");
        assertThat(handOver.delivered).as("mails delivered").isLessThan(5);
    }

    /** The threads James's dequeue loop handed the mails over on, and how many were delivered. */
    private static final class HandOver {
        final List<String> threads;
        final int delivered;

        HandOver(List<String> threads, int delivered) {
            this.threads = threads;
            this.delivered = delivered;
        }
    }

    private static void handle(ManageableMailQueue queue, MailQueueItem item, Set<String> dequeued, Set<String> retried,
                               List<String> duplicates, CountDownLatch all) {
        try {
            String name = item.getMail().getName();
            if (name.endsWith("0") && retried.add(name)) {
                queue.enQueue(item.getMail(), Duration.ofMillis(500));
            } else if (dequeued.add(name)) {
                all.countDown();
            } else {
                duplicates.add(name);
            }
            item.done(MailQueueItem.CompletionStatus.SUCCESS);
            LifecycleUtil.dispose(item.getMail());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static MailImpl mail(String name) throws Exception {
        return MailImpl.builder()
            .name(name)
            .sender(new MailAddress("alice@source.example"))
            .addRecipient(new MailAddress("ext@external.example"))
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject(name).setText("body of " + name).build())
            .build();
    }
}
