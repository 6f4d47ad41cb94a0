package org.t2trewrite.runtime;

import javax.jms.ConnectionFactory;

import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQHealthCheck;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorNoop;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.ManageableMailQueue;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;

/**
 * Replaces the memory server's in-memory mail queues with James's ActiveMQ mail queue
 * ({@code james-server-queue-activemq}, as published) on our {@link RelayBroker}. Meant for
 * {@code GuiceJamesServer#overrideWith}: it binds the three {@code MailQueueFactory} keys the
 * memory server's {@code MemoryMailQueueModule} binds, so SMTP, the spooler, RemoteDelivery,
 * {@code Requeue} and WebAdmin's {@code /mailQueues} all use the durable queues. Each consumer of
 * a queue takes its mail on a thread of its own ({@link DequeueOnOwnThread}).
 *
 * <p>Also adds James's ActiveMQ health check (component "Embedded ActiveMQ") to WebAdmin's
 * {@code /healthcheck}. Queue sizes are read through WebAdmin ({@code GET /mailQueues/spool}); the
 * broker-statistics collector of James's own wiring is not installed.
 */
public final class DurableMailQueueModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(RelayBroker.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(ActiveMQHealthCheck.class);
    }

    @Provides
    @Singleton
    ConnectionFactory connectionFactory(RelayBroker broker) {
        return broker.connectionFactory();
    }

    @Provides
    @Singleton
    ActiveMQMailQueueFactory activeMqMailQueueFactory(ConnectionFactory connectionFactory,
                                                     MailQueueItemDecoratorFactory decorators,
                                                     MetricFactory metricFactory,
                                                     GaugeRegistry gaugeRegistry) {
        ActiveMQMailQueueFactory factory = new ActiveMQMailQueueFactory(connectionFactory, decorators, metricFactory,
            gaugeRegistry, new ActiveMQMetricCollectorNoop());
        factory.setUseJMX(false);
        factory.init();
        return factory;
    }

    /** James's factory, its queues taking mail each on a thread of their own ({@link DequeueOnOwnThread}). */
    @Provides
    @Singleton
    DequeueOnOwnThread dequeueOnOwnThread(ActiveMQMailQueueFactory factory) {
        return new DequeueOnOwnThread(factory);
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> manageableMailQueueFactory(DequeueOnOwnThread factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<?> mailQueueFactory(DequeueOnOwnThread factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> mailQueueFactoryGenerics(DequeueOnOwnThread factory) {
        return factory;
    }
}
