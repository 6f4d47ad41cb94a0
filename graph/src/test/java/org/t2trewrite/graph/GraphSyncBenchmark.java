package org.t2trewrite.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.directory.DirectorySnapshot;

/**
 * Not a timed test: measures the first full sync of a 100,000-person directory (100,000 users in each tenant,
 * 999 per page as Graph serves them, 10,000 DayOne members in a nested group) through the fake Graph, and the
 * heap the directory keeps. Run with
 * {@code mvn -B -o -pl graph test -Dtest=GraphSyncBenchmark -Dt2t.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "t2t.bench", matches = "true")
class GraphSyncBenchmark {
    private static final int PEOPLE = Integer.getInteger("t2t.bench.people", 100_000);

    @TempDir
    Path temp;

    @Test
    void snapshotBuildAloneForOneHundredThousandPeople() {
        java.util.Map<org.t2trewrite.core.Tenant, List<GraphUser>> users = new java.util.EnumMap<>(org.t2trewrite.core.Tenant.class);
        List<GraphUser> source = new ArrayList<>();
        List<GraphUser> target = new ArrayList<>();
        java.util.Set<String> dayOne = new java.util.HashSet<>();
        for (int i = 0; i < PEOPLE; i++) {
            source.add(new GraphUser("s" + i, java.util.Optional.of("user" + i + "@source.example"), java.util.Optional.empty(),
                List.of("SMTP:user" + i + "@source.example", "smtp:alias" + i + "@source.example"), java.util.Optional.empty(), true));
            target.add(new GraphUser("t" + i, java.util.Optional.of("user" + i + "@target.example"), java.util.Optional.empty(),
                List.of("SMTP:user" + i + "@target.example"), java.util.Optional.empty(), false));
            if (i % 10 == 0) {
                dayOne.add("s" + i);
            }
        }
        users.put(org.t2trewrite.core.Tenant.SOURCE, source);
        users.put(org.t2trewrite.core.Tenant.TARGET, target);
        org.t2trewrite.core.directory.Tenants tenants = org.t2trewrite.core.directory.Tenants.of(
            java.util.Set.of(org.t2trewrite.core.Domain.of("source.example")), java.util.Set.of(org.t2trewrite.core.Domain.of("target.example")));
        SnapshotBuilder builder = new SnapshotBuilder(MatchRule.LOCAL_PART);
        long millis = 0;
        for (int run = 0; run < 5; run++) {
            long start = System.nanoTime();
            SnapshotBuilder.Result result = builder.build(tenants, users, java.util.Map.of(org.t2trewrite.core.Tenant.SOURCE,
                java.util.Map.of(org.t2trewrite.core.Group.DAY_ONE, dayOne)), java.time.Instant.now());
            millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(result.snapshot().people()).hasSize(PEOPLE);
        }
        System.out.printf("BENCH snapshotBuild people=%d %d ms (5th run)%n", PEOPLE, millis);
    }

    @Test
    void fullSyncOfOneHundredThousandPeople() throws Exception {
        GraphFixture fixture = new GraphFixture(temp);
        fixture.graph.pageSize(999);
        List<String> dayOne = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            fixture.source.user("s" + i, "user" + i + "@source.example", true, "smtp:alias" + i + "@source.example");
            fixture.target.user("t" + i, "user" + i + "@target.example", i % 3 == 0);
            if (i % 10 == 0) {
                dayOne.add("s" + i);
            }
        }
        fixture.source.group("30000000-0000-0000-0000-000000000001", "Bulk", dayOne.toArray(new String[0]));
        fixture.source.addMember(GraphFixture.DAY_ONE_ID, "30000000-0000-0000-0000-000000000001");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        try (fixture.graph; GraphDirectory directory = GraphDirectory.manual(fixture.with("graph.requestTimeout", "60s").config(),
            new GraphFixture.RecordingSleeper(), Clock.systemUTC())) {
            long start = System.nanoTime();
            assertThat(directory.syncOnce()).as("%s", directory.status()).isTrue();
            long fullMillis = (System.nanoTime() - start) / 1_000_000;
            fixture.source.addMember(GraphFixture.DAY_ONE_ID, "s1");
            start = System.nanoTime();
            assertThat(directory.syncOnce()).isTrue();
            long deltaMillis = (System.nanoTime() - start) / 1_000_000;
            DirectorySnapshot snapshot = directory.snapshot();
            System.gc();
            long heapAfter = memory.getHeapMemoryUsage().getUsed();

            assertThat(snapshot.people()).hasSize(PEOPLE + 4);
            assertThat(snapshot.eligibility(Address.parse("user10@source.example"))).isEqualTo(Eligibility.DAY_ONE);
            assertThat(snapshot.eligibility(Address.parse("user1@source.example"))).isEqualTo(Eligibility.DAY_ONE);
            System.out.printf("BENCH people=%d fullSync=%d ms deltaSync(after 1 membership change)=%d ms "
                    + "heapRetained(directory+fake Graph)=%d MB requests=%d%n", snapshot.people().size(), fullMillis, deltaMillis,
                (heapAfter - heapBefore) / (1024 * 1024), fixture.graph.requests().size());
        }
    }
}
