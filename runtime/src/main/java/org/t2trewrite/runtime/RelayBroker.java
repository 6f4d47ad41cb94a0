package org.t2trewrite.runtime;

import java.io.File;
import java.io.FileNotFoundException;
import java.util.List;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.jms.ConnectionFactory;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQPrefetchPolicy;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.region.policy.PolicyEntry;
import org.apache.activemq.broker.region.policy.PolicyMap;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.queue.activemq.FileSystemBlobTransferPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded ActiveMQ broker that holds the relay's mail queues on disk: a KahaDB journal under
 * {@value #KAHADB} (message metadata, fsync'd on every write) and the message bodies as files
 * under {@value #BLOBS} (James's blob messages), both relative to James's working directory.
 *
 * <p>Unlike the broker of James's own ActiveMQ wiring, this one opens no TCP port: it is reachable
 * through the {@code vm://} transport from this JVM only. A loopback TCP listener without
 * authentication would let any local process put mail into the spool behind the SMTP server's
 * relay checks.
 *
 * <p>Does not survive a power loss without losing mail: ActiveMQ writes the body files with a
 * flush and no fsync. A process crash ({@code kill -9}) loses nothing.
 *
 * <p>Every queue reads its mail from the journal, never from a copy in memory: the queues' message
 * cache is off ({@code useCache=false}) and the journal writes every enqueued mail before the
 * broker may hand it to a consumer ({@code concurrentStoreAndDispatchQueues=false}). With both
 * optimisations on, ActiveMQ 5.17's defaults, a queue can move its read position in the journal
 * past mails it holds neither in its cache nor in memory: those mails stay in the queue, counted
 * by {@code /mailQueues}, and no consumer receives them until the broker restarts (ActiveMQ bug
 * AMQ-9625, fixed in ActiveMQ 5.18.7 and 6.1.5; James 3.8.1 ships 5.17.3). The cache switches
 * itself off and on all the time (whenever the queue is read, and when it reaches 70% of the
 * broker's memory), and the race is with the journal writes still in flight at that moment. (The
 * fault soak's mails stuck in {@code outgoing} until a restart, first suspected to be this, had
 * another cause: see {@link DequeueOnOwnThread}.) Turning off
 * either optimisation removes the race; both are off so that no in-memory shortcut sits between
 * the journal and a consumer. The cost is a journal read per dispatched mail and a synchronous
 * write per enqueued one, which James's producer waits for anyway (a persistent send is
 * synchronous).
 */
final class RelayBroker {
    static final String BROKER_NAME = "t2t-relay";
    static final String KAHADB = "file://var/store/activemq/brokers/KahaDB";
    static final String DATA = "file://var/store/activemq/brokers";
    static final String BLOBS = "file://var/store/activemq/blob-transfer";
    private static final long BROKER_MEMORY_BYTES = 64L * 1024 * 1024;
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayBroker.class);

    private final BrokerService broker;
    private final ActiveMQConnectionFactory connectionFactory;

    @Inject
    RelayBroker(FileSystem fileSystem) throws Exception {
        broker = new BrokerService();
        broker.setBrokerName(BROKER_NAME);
        broker.setPersistent(true);
        broker.setDataDirectoryFile(file(fileSystem, DATA));
        KahaDBPersistenceAdapter journal = new KahaDBPersistenceAdapter();
        journal.setDirectory(file(fileSystem, KAHADB));
        journal.setConcurrentStoreAndDispatchQueues(false); // see the class comment: AMQ-9625
        broker.setPersistenceAdapter(journal);
        broker.setDestinationPolicy(queuesReadFromTheJournal());
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false); // stopped by James's lifecycle, after the queues
        broker.setSchedulerSupport(false); // James's JMS queue delays with a selector, not the scheduler
        // James's ActiveMQ queue asks the broker for a queue's size with a statistics request
        // (WebAdmin /mailQueues, the queue-size gauges of /metrics): without this plugin each
        // request waits 2 s for a reply that never comes, and the requests pile up in a queue.
        broker.setPlugins(new BrokerPlugin[] {new StatisticsBrokerPlugin()});
        broker.setEnableStatistics(true);
        // Bodies are files (blob messages): the broker's memory holds only envelopes and properties.
        // ActiveMQ's default, 1 GB, is more than a relay's heap and it would warn at each start.
        broker.getSystemUsage().getMemoryUsage().setLimit(BROKER_MEMORY_BYTES);
        broker.start();
        broker.waitUntilStarted();
        LOGGER.info("Mail queues on disk: embedded ActiveMQ broker '{}' (journal {}, bodies {}), no network listener",
            BROKER_NAME, file(fileSystem, KAHADB), file(fileSystem, BLOBS));

        FileSystemBlobTransferPolicy blobs = new FileSystemBlobTransferPolicy();
        blobs.setDefaultUploadUrl(BLOBS);
        blobs.setFileSystem(fileSystem);
        // marshal=true: every message crosses the vm:// transport as bytes, as over a socket. Without
        // it the broker keeps the sender's own message object, and a blob message holds the stream
        // it was uploaded from (ActiveMQBlobMessage's BlobUploader), which for James is the whole
        // MimeMessage: each mail's bytes stayed reachable from the broker after delivery, until the
        // pull-timeout task of the consumer that took it ran (10 s). Ten 10 MB mails in a row ran a
        // 160 MB heap out of memory that way (LargeMailMemoryIT). Marshalled, the broker holds the
        // envelope, the properties and the blob's URL only.
        connectionFactory = new ActiveMQConnectionFactory("vm://" + BROKER_NAME + "?create=false&marshal=true");
        connectionFactory.setTrustAllPackages(false);
        connectionFactory.setBlobTransferPolicy(blobs);
        // No prefetch: a mail is handed to a spool thread only when that thread asks for one, so a
        // node never holds mail in memory that it has not started to process.
        ActiveMQPrefetchPolicy prefetch = new ActiveMQPrefetchPolicy();
        prefetch.setQueuePrefetch(0);
        prefetch.setTopicPrefetch(0);
        connectionFactory.setPrefetchPolicy(prefetch);
    }

    ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    @PreDestroy
    void stop() throws Exception {
        broker.stop();
        broker.waitUntilStopped();
        LOGGER.info("Embedded ActiveMQ broker '{}' stopped", BROKER_NAME);
    }

    /** Every queue ({@code >}) without its message cache: see the class comment. */
    private static PolicyMap queuesReadFromTheJournal() {
        PolicyEntry queues = new PolicyEntry();
        queues.setQueue(">");
        queues.setUseCache(false);
        PolicyMap policies = new PolicyMap();
        policies.setPolicyEntries(List.of(queues));
        return policies;
    }

    private static File file(FileSystem fileSystem, String url) throws FileNotFoundException {
        return fileSystem.getFile(url);
    }
}
