package org.t2trewrite.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.t2trewrite.graph.FakeGraph;

/**
 * Both tenants in graph's loopback {@link FakeGraph}, for one test class, and the
 * {@code conf/t2trewrite.properties} that points a James at it ({@link #properties}): client secrets
 * in files, the tenants' domains read from Graph, the snapshot persisted, a one-second sync.
 * Register it before the {@link JamesRelay} (lower {@code @Order}) so that Graph is up before James
 * starts and is stopped after James.
 *
 * <pre>
 * source (source.example)        target (target.example)
 *   alice  DayOne, mailbox          alice  mail user
 *   dave   -,      mailbox          dave   mail user
 *   frank  -,      mailbox          frank  mail user
 * </pre>
 * Groups: {@code BT-IntegrationPro-DayOne} ({@link #DAY_ONE_ID}) in the source tenant,
 * {@code BT-IntegrationPro-DayTwo} in the target tenant, empty.
 */
final class GraphStub implements BeforeAllCallback, AfterAllCallback {
    static final String DAY_ONE_ID = "10000000-0000-0000-0000-00000000d001";
    static final String DAY_TWO_ID = "20000000-0000-0000-0000-00000000d002";
    static final String SYNC_INTERVAL = "1s";
    private static final String SOURCE_SECRET = "source-e2e-secret";
    private static final String TARGET_SECRET = "target-e2e-secret";

    private final String persistedSnapshot;
    private final boolean downAtStart;
    private FakeGraph graph;
    private FakeGraph.Tenant source;
    private FakeGraph.Tenant target;
    private Path folder;

    GraphStub() {
        this(null, false);
    }

    private GraphStub(String persistedSnapshot, boolean downAtStart) {
        this.persistedSnapshot = persistedSnapshot;
        this.downAtStart = downAtStart;
    }

    /** A Graph that is down (503 to everything) from the start, and no snapshot: a first start during an outage. */
    static GraphStub downWithoutSnapshot() {
        return new GraphStub(null, true);
    }

    /**
     * A Graph that is down (503 to everything, token endpoint included) from the start, and a
     * snapshot file left by an earlier run: James restarted during an outage.
     */
    static GraphStub downWithPersistedSnapshot(String resource) {
        return new GraphStub(resource, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        // A sibling of JamesRelay's work dir, which JamesRelay empties when it starts.
        folder = Paths.get(System.getProperty("t2t.it.work", "target/it-work"))
            .resolve(context.getRequiredTestClass().getSimpleName() + "-graph");
        Files.createDirectories(folder);
        Files.deleteIfExists(snapshotFile());
        Files.writeString(folder.resolve("source.secret"), SOURCE_SECRET + "\n", UTF_8);
        Files.writeString(folder.resolve("target.secret"), TARGET_SECRET, UTF_8);
        graph = FakeGraph.start();
        source = graph.tenant("source-tenant", "source-app", SOURCE_SECRET)
            .user("s-alice", "alice@source.example", true, "smtp:a.smith@source.example")
            .user("s-dave", "dave@source.example", true)
            .user("s-frank", "frank@source.example", true)
            .group(DAY_ONE_ID, "BT-IntegrationPro-DayOne", "s-alice")
            .domains("source.example");
        target = graph.tenant("target-tenant", "target-app", TARGET_SECRET)
            .user("t-alice", "alice@target.example", false)
            .user("t-dave", "dave@target.example", false)
            .user("t-frank", "frank@target.example", false)
            .group(DAY_TWO_ID, "BT-IntegrationPro-DayTwo")
            .domains("target.example");
        if (downAtStart) {
            graph.down(true);
        }
        if (persistedSnapshot != null) {
            try (InputStream in = GraphStub.class.getResourceAsStream(persistedSnapshot)) {
                if (in == null) {
                    throw new IllegalStateException("no test resource " + persistedSnapshot);
                }
                Files.copy(in, snapshotFile());
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (graph != null) {
            graph.close();
        }
    }

    /** The whole {@code conf/t2trewrite.properties} for James: replaces the file directory's. */
    String properties(String fileDirectoryProperties) {
        List<String> lines = new ArrayList<>();
        lines.add("# Written by GraphStub for " + folder.getFileName() + ": the Graph directory on the loopback stub.");
        lines.add("directory.type=graph");
        lines.add("graph.source.tenantId=source-tenant");
        lines.add("graph.source.clientId=source-app");
        lines.add("graph.source.clientSecretFile=" + folder.resolve("source.secret"));
        lines.add("graph.target.tenantId=target-tenant");
        lines.add("graph.target.clientId=target-app");
        lines.add("graph.target.clientSecretFile=" + folder.resolve("target.secret"));
        lines.add("graph.authorityUrl=" + graph.authorityUrl());
        lines.add("graph.baseUrl=" + graph.baseUrl());
        lines.add("graph.syncInterval=" + SYNC_INTERVAL);
        lines.add("graph.requestTimeout=2s");
        lines.add("graph.snapshotFile=" + snapshotFile());
        return String.join("\n", lines) + "\n";
    }

    Path snapshotFile() {
        return folder.resolve("graph-snapshot.json");
    }

    FakeGraph graph() {
        return graph;
    }

    FakeGraph.Tenant source() {
        return source;
    }

    FakeGraph.Tenant target() {
        return target;
    }

    /** Contents of a secret file, for checking that it never reaches a log. */
    static List<String> secrets() {
        return List.of(SOURCE_SECRET, TARGET_SECRET);
    }
}
