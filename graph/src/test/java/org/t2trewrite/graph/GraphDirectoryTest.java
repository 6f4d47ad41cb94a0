package org.t2trewrite.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.core.directory.Freshness;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class GraphDirectoryTest {
    @TempDir
    Path temp;

    private GraphFixture fixture;
    private GraphFixture.RecordingSleeper sleeper;
    private GraphFixture.MutableClock clock;
    private GraphDirectory directory;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new GraphFixture(temp);
        sleeper = new GraphFixture.RecordingSleeper();
        clock = new GraphFixture.MutableClock();
    }

    @AfterEach
    void tearDown() {
        if (directory != null) {
            directory.close();
        }
        fixture.graph.close();
    }

    private GraphDirectory manual() {
        directory = GraphDirectory.manual(fixture.config(), sleeper, clock);
        return directory;
    }

    private DirectorySnapshot synced() throws DirectoryUnavailableException {
        if (directory == null) {
            manual();
        }
        assertThat(directory.syncOnce()).as("sync: %s", directory.status()).isTrue();
        return directory.snapshot();
    }

    static Stream<Arguments> fixturePeople() {
        return Stream.of(
            Arguments.of("alice@source.example", "alice@target.example", Eligibility.DAY_ONE, Tenant.SOURCE, Tenant.SOURCE),
            Arguments.of("ALICE@target.example", "alice@target.example", Eligibility.DAY_ONE, Tenant.SOURCE, Tenant.TARGET),
            Arguments.of("bob@source.example", "bob@target.example", Eligibility.DAY_ONE, Tenant.SOURCE, Tenant.SOURCE),
            Arguments.of("robert@source.example", "bob@target.example", Eligibility.DAY_ONE, Tenant.SOURCE, Tenant.SOURCE),
            Arguments.of("carol@target.example", "carol@target.example", Eligibility.DAY_TWO, Tenant.TARGET, Tenant.TARGET),
            Arguments.of("dave@source.example", "dave@target.example", Eligibility.NONE, Tenant.SOURCE, Tenant.SOURCE));
    }

    @ParameterizedTest(name = "{0} is {1}, {2}, mailbox in {3}")
    @MethodSource("fixturePeople")
    void fullSyncPairsUsersAcrossTenantsWithGroupsAndMailbox(String address, String target, Eligibility eligibility,
                                                             Tenant mailbox, Tenant addressTenant) throws Exception {
        DirectorySnapshot snapshot = synced();

        Person person = snapshot.lookup(Address.parse(address)).person().orElseThrow();
        assertThat(person.target()).isEqualTo(Address.parse(target));
        assertThat(person.eligibility()).isEqualTo(eligibility);
        assertThat(person.mailbox()).isEqualTo(mailbox);
        assertThat(snapshot.lookup(Address.parse(address)).tenant()).contains(addressTenant);
    }

    @Test
    void fullSyncPagesThroughNextLinksAndDropsOtherTenantStamps() throws Exception {
        DirectorySnapshot snapshot = synced();

        assertThat(snapshot.people()).hasSize(4);
        assertThat(fixture.graph.count("/users/delta?$skiptoken=")).isGreaterThanOrEqualTo(2);
        Person bob = snapshot.lookup(Address.parse("bob@target.example")).person().orElseThrow();
        assertThat(bob.aliases(Tenant.TARGET)).isEmpty();
        assertThat(bob.aliases(Tenant.SOURCE)).containsExactly(Address.parse("robert@source.example"));
        assertThat(snapshot.lookup(Address.parse("nobody@source.example")).isFound()).isFalse();
    }

    @Test
    void memberAddedToGroupIsEligibleAfterNextDeltaSyncWithoutFullRead() throws Exception {
        synced();
        fixture.source.addMember(GraphFixture.DAY_ONE_ID, "s-dave");

        DirectorySnapshot snapshot = synced();

        assertThat(snapshot.eligibility(Address.parse("dave@source.example"))).isEqualTo(Eligibility.DAY_ONE);
        assertThat(directory.fullSyncs()).isEqualTo(2);
        assertThat(fixture.graph.count("/groups/delta?$deltatoken=")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void memberRemovedFromNestedGroupStopsBeingEligible() throws Exception {
        synced();
        fixture.source.removeMember(GraphFixture.NESTED_ID, "s-bob");

        assertThat(synced().eligibility(Address.parse("bob@source.example"))).isEqualTo(Eligibility.NONE);
    }

    @Test
    void memberInBothGroupsIsAConflict() throws Exception {
        synced();
        fixture.target.addMember(GraphFixture.DAY_TWO_TARGET_ID, "t-alice");

        DirectorySnapshot snapshot = synced();

        assertThat(snapshot.eligibility(Address.parse("alice@source.example"))).isEqualTo(Eligibility.CONFLICT);
        assertThat(snapshot.conflicts()).extracting(Person::source).containsExactly(Address.parse("alice@source.example"));
    }

    @Test
    void removedUserDisappearsThroughDeltaRemovedEntry() throws Exception {
        synced();
        fixture.target.removeUser("t-dave");

        DirectorySnapshot snapshot = synced();

        assertThat(snapshot.lookup(Address.parse("dave@source.example")).isFound()).isFalse();
        assertThat(snapshot.people()).hasSize(3);
    }

    @Test
    void mailboxMoveChangesMailboxLocation() throws Exception {
        synced();
        fixture.target.user("t-alice", "alice@target.example", true);

        assertThat(synced().lookup(Address.parse("alice@source.example")).person().orElseThrow().mailbox())
            .isEqualTo(Tenant.TARGET);
    }

    @Test
    void unchangedDirectoryKeepsTheSameSnapshot() throws Exception {
        DirectorySnapshot first = synced();

        assertThat(synced()).isSameAs(first);
    }

    @Test
    void throttledRequestWaitsAsLongAsRetryAfterSays() throws Exception {
        fixture.graph.fail("/users/delta", 429, Map.of("Retry-After", "7"), 1);

        DirectorySnapshot snapshot = synced();

        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7));
        assertThat(snapshot.people()).hasSize(4);
    }

    @Test
    void serverErrorsAreRetriedWithGrowingBackoff() throws Exception {
        fixture.graph.fail("/transitiveMembers", 502, Map.of(), 2);

        DirectorySnapshot snapshot = synced();

        assertThat(sleeper.waits()).hasSize(2);
        assertThat(sleeper.waits().get(1)).isGreaterThan(sleeper.waits().get(0));
        assertThat(snapshot.people()).hasSize(4);
    }

    @Test
    void slowResponseTimesOutAndIsRetried() throws Exception {
        fixture.with("graph.requestTimeout", "300ms");
        fixture.graph.slow("/users/delta", Duration.ofSeconds(2), 1);

        DirectorySnapshot snapshot = synced();

        assertThat(sleeper.waits()).hasSize(1);
        assertThat(snapshot.people()).hasSize(4);
    }

    @Test
    void expiredDeltaLinkTriggersFullResync() throws Exception {
        synced();
        fixture.graph.expireDeltaLinks();
        fixture.source.addMember(GraphFixture.DAY_ONE_ID, "s-carol");

        DirectorySnapshot snapshot = synced();

        assertThat(directory.fullSyncs()).isEqualTo(4);
        assertThat(snapshot.eligibility(Address.parse("carol@source.example"))).isEqualTo(Eligibility.CONFLICT);
    }

    @Test
    void outageKeepsLastSnapshotAndReportsStaleness() throws Exception {
        DirectorySnapshot before = synced();
        fixture.graph.down(true);

        assertThat(directory.syncOnce()).isFalse();
        clock.advance(Duration.ofMinutes(2));

        assertThat(directory.snapshot()).isSameAs(before);
        SyncStatus status = directory.status();
        assertThat(status.isStale()).isTrue();
        assertThat(status.consecutiveFailures()).isEqualTo(1);
        assertThat(status.lastFailure()).hasValueSatisfying(message -> assertThat(message).contains("503"));
        assertThat(status.age(clock.instant())).contains(Duration.ofMinutes(2));

        fixture.graph.down(false);
        assertThat(directory.syncOnce()).isTrue();
        assertThat(directory.status().isStale()).isFalse();
    }

    @Test
    void isStaleWithTheLastFailureOnlyAfterStaleAfterWithoutGraph() throws Exception {
        synced();
        Instant lastSuccess = directory.status().lastSuccess().orElseThrow();
        fixture.graph.down(true);

        assertThat(directory.syncOnce()).isFalse();
        assertThat(directory.freshness()).as("one failed cycle is not stale").isEqualTo(Freshness.current(lastSuccess));

        clock.advance(Duration.ofMinutes(2));
        Freshness stale = directory.freshness();

        assertThat(stale.state()).isEqualTo(Freshness.State.STALE);
        assertThat(stale.age(clock.instant())).contains(Duration.ofMinutes(2));
        assertThat(stale.reason()).hasValueSatisfying(reason -> assertThat(reason)
            .startsWith("Graph not reached for more than PT1M (1 failed attempts, last: ").contains("503"));

        fixture.graph.down(false);
        assertThat(directory.syncOnce()).isTrue();
        assertThat(directory.freshness().state()).isEqualTo(Freshness.State.CURRENT);
    }

    @Test
    void aLongOutageIsReportedStaleAgainEveryReminderInterval() throws Exception {
        synced();
        fixture.graph.down(true);
        Logger logger = (Logger) LoggerFactory.getLogger(GraphDirectory.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            clock.advance(Duration.ofMinutes(2));
            directory.syncOnce();
            clock.advance(Duration.ofMinutes(1));
            directory.syncOnce();
            assertThat(staleLines(logs)).isEqualTo(1);

            clock.advance(GraphDirectory.STALE_REMINDER);
            directory.syncOnce();
            assertThat(staleLines(logs)).isEqualTo(2);

            fixture.graph.down(false);
            directory.syncOnce();
            fixture.graph.down(true);
            directory.syncOnce();
            assertThat(staleLines(logs)).as("not stale right after a success").isEqualTo(2);
        } finally {
            logger.detachAppender(logs);
        }
    }

    private static long staleLines(ListAppender<ILoggingEvent> logs) {
        return logs.list.stream().filter(event -> event.getFormattedMessage().contains("STALE")).count();
    }

    @Test
    void withoutAnySnapshotTheDirectoryIsUnavailable() {
        fixture.graph.down(true);
        manual();

        assertThat(directory.syncOnce()).isFalse();

        assertThatThrownBy(directory::snapshot).isInstanceOf(DirectoryUnavailableException.class)
            .hasMessageContaining("no Graph directory snapshot");
        assertThat(directory.status().isStale()).isTrue();
        assertThat(directory.freshness().state()).isEqualTo(Freshness.State.NONE);
        assertThat(directory.freshness().reason()).hasValueSatisfying(reason -> assertThat(reason)
            .startsWith("no Graph directory snapshot yet: ").contains("503"));
    }

    @Test
    void servesTheConfiguredExceptionsAndPersistsThemForExplain() throws Exception {
        fixture.with("graph.snapshotFile", temp.resolve("snapshot.json").toString());
        fixture.with("graph.exceptions.recipients", "alice@target.example");
        DirectorySnapshot synced = synced();
        assertThat(synced.exemptions().recipient(Address.parse("alice@target.example")).isExempt()).isTrue();

        DirectorySnapshot persisted = new SnapshotFile(temp.resolve("snapshot.json")).read().orElseThrow();
        assertThat(persisted.exemptions()).isEqualTo(synced.exemptions());
        assertThat(persisted.people()).containsExactlyInAnyOrderElementsOf(synced.people());
    }

    @Test
    void restartServesThePersistedSnapshotWithTheExceptionsConfiguredNow() throws Exception {
        fixture.with("graph.snapshotFile", temp.resolve("snapshot.json").toString());
        fixture.with("graph.exceptions.recipients", "alice@target.example");
        synced();
        directory.close();
        fixture.graph.down(true);
        fixture.with("graph.exceptions.recipients", "bob@target.example");

        directory = GraphDirectory.manual(fixture.config(), sleeper, clock);
        assertThat(directory.syncOnce()).isFalse();

        assertThat(directory.snapshot().exemptions().recipient(Address.parse("bob@target.example")).isExempt()).isTrue();
        assertThat(directory.snapshot().exemptions().recipient(Address.parse("alice@target.example")).isExempt()).isFalse();
    }

    @Test
    void restartDuringOutageServesThePersistedSnapshot() throws Exception {
        fixture.with("graph.snapshotFile", temp.resolve("snapshot.json").toString());
        DirectorySnapshot before = synced();
        directory.close();
        fixture.graph.down(true);

        directory = GraphDirectory.manual(fixture.config(), sleeper, clock);
        assertThat(directory.syncOnce()).isFalse();

        DirectorySnapshot after = directory.snapshot();
        assertThat(after.people()).containsExactlyInAnyOrderElementsOf(before.people());
        assertThat(after.tenants()).isEqualTo(before.tenants());
        assertThat(after.asOf()).isEqualTo(before.asOf());
    }

    @Test
    void verifiedDomainsAreReadFromGraphWhenNotConfigured() throws Exception {
        fixture.without("graph.source.domains").without("graph.target.domains");

        DirectorySnapshot snapshot = synced();

        assertThat(snapshot.tenants().domains(Tenant.SOURCE)).extracting(Object::toString).containsExactly("source.example");
        assertThat(snapshot.tenants().domains(Tenant.TARGET)).extracting(Object::toString).containsExactly("target.example");
        assertThat(snapshot.people()).hasSize(4);
    }

    @Test
    void tokenIsCachedAcrossSyncs() throws Exception {
        synced();
        synced();
        synced();

        assertThat(fixture.source.tokensIssued()).isEqualTo(1);
        assertThat(fixture.target.tokensIssued()).isEqualTo(1);
    }

    @Test
    void wrongSecretFailsWithEntraErrorButNeverShowsTheSecret() {
        fixture.target.secret = "rotated";
        manual();

        assertThat(directory.syncOnce()).isFalse();

        String failure = directory.status().lastFailure().orElseThrow();
        assertThat(failure).contains("AADSTS7000215").contains("target-tenant").doesNotContain(GraphFixture.TARGET_SECRET)
            .doesNotContain("Trace ID");
    }

    @Test
    void addressClaimedByTwoPeopleDropsOnlyThosePeople() throws Exception {
        fixture.source.user("s-dave", "dave@source.example", true, "smtp:robert@source.example");

        DirectorySnapshot snapshot = synced();

        assertThat(snapshot.people()).extracting(person -> person.source().toString())
            .containsExactlyInAnyOrder("alice@source.example", "carol@source.example");
        assertThat(directory.status().problems()).anySatisfy(problem -> assertThat(problem)
            .contains("robert@source.example").contains("bob@source.example").contains("dave@source.example"));
    }

    @Test
    void missingGroupIsReportedAndItsMembersAreNotEligible() throws Exception {
        fixture.with("graph.groups.dayTwo", "Does-Not-Exist");

        DirectorySnapshot snapshot = synced();

        assertThat(snapshot.eligibility(Address.parse("carol@source.example"))).isEqualTo(Eligibility.NONE);
        assertThat(snapshot.eligibility(Address.parse("alice@source.example"))).isEqualTo(Eligibility.DAY_ONE);
        assertThat(directory.status().problems()).anySatisfy(problem -> assertThat(problem).contains("Does-Not-Exist"));
    }

    @Test
    void groupConfiguredByObjectIdIsFound() throws Exception {
        fixture.with("graph.groups.dayOne", GraphFixture.DAY_ONE_ID);

        assertThat(synced().eligibility(Address.parse("bob@source.example"))).isEqualTo(Eligibility.DAY_ONE);
    }

    @Test
    void backgroundSyncMakesMembershipChangesLiveWithinFifteenSeconds() throws Exception {
        directory = GraphDirectory.start(fixture.config());
        Address dave = Address.parse("dave@source.example");
        awaitEligibility(dave, Eligibility.NONE);

        fixture.source.addMember(GraphFixture.DAY_ONE_ID, "s-dave");
        awaitEligibility(dave, Eligibility.DAY_ONE);

        fixture.source.removeMember(GraphFixture.DAY_ONE_ID, "s-dave");
        awaitEligibility(dave, Eligibility.NONE);
    }

    private void awaitEligibility(Address address, Eligibility expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Eligibility seen = null;
        while (System.nanoTime() < deadline) {
            try {
                seen = directory.snapshot().eligibility(address);
                if (seen == expected) {
                    return;
                }
            } catch (DirectoryUnavailableException e) {
                seen = null;
            }
            Thread.sleep(50);
        }
        assertThat(seen).as("eligibility of %s within 15 s (%s)", address, directory.status()).isEqualTo(expected);
    }
}
