package org.t2trewrite.graph;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectoryFixture;
import org.t2trewrite.core.directory.MonitoredDirectory;
import org.t2trewrite.core.directory.MonitoredDirectoryContract;

/**
 * Runs the directory contract against {@link GraphDirectory} over a loopback {@link FakeGraph}, started the way
 * James starts it ({@link GraphDirectory#start}, background sync), with the default configuration: pairing by
 * local part, tenant domains read from Graph's verified domains, groups found by their default display names.
 *
 * <p>How a fixture becomes Entra ID data: each person is one user per tenant, {@code mail} and the
 * {@code SMTP:} proxy address being the primary address and each alias an {@code smtp:} proxy address. The
 * target user has an Exchange mailbox ({@code provisionedPlans}) exactly when the person's mailbox is in the
 * target tenant; before the move it is a mail user. A person's group memberships are held in the tenant where
 * the mailbox lives (admins manage people in their home tenant), so both tenants' groups are exercised.
 *
 * <p>The unavailable case: Graph answers 503 to everything (token endpoint included) and there is no snapshot
 * file, so the directory has never had a snapshot; the test waits for the first failed sync.
 */
class GraphDirectoryContractTest implements MonitoredDirectoryContract {
    private static final Duration FIRST_SYNC_DEADLINE = Duration.ofSeconds(30);
    private static final String DAY_ONE_ID = "10000000-0000-0000-0000-00000000d001";
    private static final String DAY_TWO_ID = "10000000-0000-0000-0000-00000000d002";

    @TempDir
    Path folder;

    private final List<FakeGraph> graphs = new ArrayList<>();
    private final List<GraphDirectory> directories = new ArrayList<>();

    @AfterEach
    void closeEverything() {
        directories.forEach(GraphDirectory::close);
        graphs.forEach(FakeGraph::close);
    }

    @Override
    public MonitoredDirectory directoryWith(DirectoryFixture fixture) throws Exception {
        FakeGraph graph = FakeGraph.start();
        graphs.add(graph);
        Map<Tenant, FakeGraph.Tenant> tenants = new HashMap<>();
        for (Tenant tenant : Tenant.values()) {
            FakeGraph.Tenant fake = graph.tenant(tenant.configName() + "-tenant", tenant.configName() + "-app",
                tenant.configName() + "-secret");
            fake.domains(fixture.tenants().domains(tenant).stream().map(Domain::name).toArray(String[]::new));
            tenants.put(tenant, fake);
        }
        Map<Tenant, Map<Group, List<String>>> members = new HashMap<>();
        for (Person person : fixture.people()) {
            requirePairableByLocalPart(person);
            for (Tenant tenant : Tenant.values()) {
                String id = userId(tenant, person);
                boolean mailbox = person.mailbox() == tenant;
                tenants.get(tenant).user(id, person.address(tenant).toString(), mailbox, proxyAliases(person, tenant));
                for (Group group : person.groups()) {
                    if (person.mailbox() == tenant) {
                        members.computeIfAbsent(tenant, ignored -> new HashMap<>())
                            .computeIfAbsent(group, ignored -> new ArrayList<>()).add(id);
                    }
                }
            }
        }
        for (Tenant tenant : Tenant.values()) {
            Map<Group, List<String>> groups = members.getOrDefault(tenant, Map.of());
            tenants.get(tenant)
                .group(DAY_ONE_ID, GraphDirectoryConfig.DEFAULT_DAY_ONE,
                    groups.getOrDefault(Group.DAY_ONE, List.of()).toArray(String[]::new))
                .group(DAY_TWO_ID, GraphDirectoryConfig.DEFAULT_DAY_TWO,
                    groups.getOrDefault(Group.DAY_TWO, List.of()).toArray(String[]::new));
        }

        GraphDirectory directory = start(graph);
        SyncStatus status = awaitFirstCycle(directory);
        if (!status.hasSnapshot() || status.lastSuccess().isEmpty() || !status.problems().isEmpty()) {
            throw new IllegalStateException("the fixture did not load cleanly into the Graph directory: " + status);
        }
        return directory;
    }

    @Override
    public MonitoredDirectory unavailableDirectory() throws Exception {
        FakeGraph graph = FakeGraph.start();
        graphs.add(graph);
        graph.down(true);
        GraphDirectory directory = start(graph);
        SyncStatus status = awaitFirstCycle(directory);
        if (status.consecutiveFailures() == 0) {
            throw new IllegalStateException("a sync against a Graph that is down succeeded: " + status);
        }
        return directory;
    }

    private GraphDirectory start(FakeGraph graph) throws Exception {
        Map<String, String> properties = new HashMap<>();
        for (Tenant tenant : Tenant.values()) {
            Path secret = Files.writeString(folder.resolve(graphs.size() + "-" + tenant.configName() + ".secret"),
                tenant.configName() + "-secret");
            properties.put(GraphDirectoryConfig.tenantKey(tenant, GraphDirectoryConfig.TENANT_ID), tenant.configName() + "-tenant");
            properties.put(GraphDirectoryConfig.tenantKey(tenant, GraphDirectoryConfig.CLIENT_ID), tenant.configName() + "-app");
            properties.put(GraphDirectoryConfig.tenantKey(tenant, GraphDirectoryConfig.CLIENT_SECRET_FILE), secret.toString());
        }
        properties.put(GraphDirectoryConfig.AUTHORITY_URL, graph.authorityUrl());
        properties.put(GraphDirectoryConfig.BASE_URL, graph.baseUrl());
        properties.put(GraphDirectoryConfig.SYNC_INTERVAL, "200ms");
        properties.put(GraphDirectoryConfig.REQUEST_TIMEOUT, "5s");
        GraphDirectory directory = GraphDirectory.start(GraphDirectoryConfig.from(properties));
        directories.add(directory);
        return directory;
    }

    /** Waits until the first sync cycle has ended, either way; a wait, not a timing assertion. */
    private static SyncStatus awaitFirstCycle(GraphDirectory directory) throws InterruptedException {
        long deadline = System.nanoTime() + FIRST_SYNC_DEADLINE.toNanos();
        SyncStatus status = directory.status();
        while (status.lastSuccess().isEmpty() && status.consecutiveFailures() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            status = directory.status();
        }
        return status;
    }

    private static String userId(Tenant tenant, Person person) {
        return tenant.configName() + "-" + person.source().key();
    }

    private static String[] proxyAliases(Person person, Tenant tenant) {
        return person.aliases(tenant).stream().map(alias -> "smtp:" + alias).toArray(String[]::new);
    }

    /** The default match rule pairs users by local part: a fixture that cannot pair that way is a test bug. */
    private static void requirePairableByLocalPart(Person person) {
        if (!MatchRule.key(person.source().localPart()).equals(MatchRule.key(person.target().localPart()))) {
            throw new IllegalArgumentException("fixture person " + person + " does not pair by local part ("
                + GraphDirectoryConfig.MATCH + " default)");
        }
    }
}
