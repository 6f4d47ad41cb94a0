package org.t2trewrite.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two tenants in a {@link FakeGraph} and the {@code graph.*} keys that point a directory at them.
 *
 * <pre>
 * source (source.example)                      target (target.example)
 *   alice  DayOne (direct), mailbox              alice  mail user
 *   bob    DayOne via group Nested, alias robert bob    mail user, stamped smtp:bob@source.example
 *   carol  -                                     carol  DayTwo, mailbox (moved)
 *   dave   -                                     dave   mail user
 * </pre>
 */
public final class GraphFixture {
    public static final String DAY_ONE_ID = "10000000-0000-0000-0000-000000000001";
    public static final String DAY_TWO_SOURCE_ID = "10000000-0000-0000-0000-000000000002";
    public static final String NESTED_ID = "10000000-0000-0000-0000-000000000003";
    public static final String DAY_TWO_TARGET_ID = "20000000-0000-0000-0000-000000000002";
    public static final String SOURCE_SECRET = "source-s3cret-value";
    public static final String TARGET_SECRET = "target-s3cret-value";

    public final FakeGraph graph;
    public final FakeGraph.Tenant source;
    public final FakeGraph.Tenant target;
    public final Map<String, String> properties = new HashMap<>();

    public GraphFixture(Path directory) throws IOException {
        graph = FakeGraph.start();
        source = graph.tenant("source-tenant", "source-app", SOURCE_SECRET);
        target = graph.tenant("target-tenant", "target-app", TARGET_SECRET);
        source.user("s-alice", "alice@source.example", true)
            .user("s-bob", "bob@source.example", true, "smtp:robert@source.example", "x500:/o=ExchangeLabs/cn=bob")
            .user("s-carol", "carol@source.example", false)
            .user("s-dave", "dave@source.example", true)
            .group(NESTED_ID, "Nested", "s-bob")
            .group(DAY_ONE_ID, GraphDirectoryConfig.DEFAULT_DAY_ONE, "s-alice", NESTED_ID)
            .group(DAY_TWO_SOURCE_ID, GraphDirectoryConfig.DEFAULT_DAY_TWO)
            .domains("source.example");
        target.user("t-alice", "alice@target.example", false)
            .user("t-bob", "bob@target.example", false, "smtp:bob@source.example")
            .user("t-carol", "carol@target.example", true)
            .user("t-dave", "dave@target.example", false)
            .group(DAY_TWO_TARGET_ID, GraphDirectoryConfig.DEFAULT_DAY_TWO, "t-carol")
            .domains("target.example");
        Path sourceSecret = Files.writeString(directory.resolve("source.secret"), SOURCE_SECRET + "\n");
        Path targetSecret = Files.writeString(directory.resolve("target.secret"), TARGET_SECRET);
        properties.put("graph.source.tenantId", "source-tenant");
        properties.put("graph.source.clientId", "source-app");
        properties.put("graph.source.clientSecretFile", sourceSecret.toString());
        properties.put("graph.source.domains", "source.example");
        properties.put("graph.target.tenantId", "target-tenant");
        properties.put("graph.target.clientId", "target-app");
        properties.put("graph.target.clientSecretFile", targetSecret.toString());
        properties.put("graph.target.domains", "target.example");
        properties.put("graph.authorityUrl", graph.authorityUrl());
        properties.put("graph.baseUrl", graph.baseUrl());
        properties.put("graph.requestTimeout", "2s");
        properties.put("graph.syncInterval", "200ms");
    }

    public GraphFixture with(String key, String value) {
        properties.put(key, value);
        return this;
    }

    public GraphFixture without(String key) {
        properties.remove(key);
        return this;
    }

    public GraphDirectoryConfig config() {
        return GraphDirectoryConfig.from(properties);
    }

    /** Records the waits the retry logic asks for, and waits only a token millisecond. */
    static final class RecordingSleeper implements RetryInterceptor.Sleeper {
        final List<Duration> waits = new ArrayList<>();

        @Override
        public synchronized void sleep(Duration duration) throws InterruptedException {
            waits.add(duration);
            Thread.sleep(1);
        }

        synchronized List<Duration> waits() {
            return List.copyOf(waits);
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2024-05-01T10:00:00Z");

        synchronized void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public synchronized Instant instant() {
            return now;
        }
    }
}
