package org.t2trewrite.directory.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectoryFixture;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.core.directory.Exemption;
import org.t2trewrite.core.directory.Freshness;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class FileDirectoryTest {
    /** Generous, so a loaded machine does not fail the test; the default poll interval is 1 s. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final Duration FAST_POLL = Duration.ofMillis(50);
    private static final Address ERIN = Address.parse("erin@source.example");

    @TempDir
    Path folder;

    private Path file;
    private FileDirectory directory;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(FileDirectory.class);

    @BeforeEach
    void setUp() {
        file = folder.resolve("directory.json");
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        if (directory != null) {
            directory.close();
        }
        logger.detachAppender(logs);
        logger.setLevel(null);
        logger.setAdditive(true);
    }

    @Test
    void refusesToStartOnAnInvalidFileNamingFileAndLine() {
        DirectoryFiles.writeInPlace(file, "{\n  \"tenants\": {},\n  \"people\": []\n}\n");

        assertThatThrownBy(() -> FileDirectory.start(file, FAST_POLL))
            .isInstanceOf(InvalidDirectoryFileException.class)
            .hasMessage(file + ":2:14: tenants: missing required key \"source\"");
    }

    @Test
    void refusesToStartWithoutTheFile() {
        assertThatThrownBy(() -> FileDirectory.start(file, FAST_POLL))
            .isInstanceOf(NoSuchFileException.class)
            .hasMessageContaining(file.toString());
    }

    @Test
    void refusesANonPositivePollInterval() {
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(DirectoryFixture.standard()));

        assertThatThrownBy(() -> FileDirectory.start(file, Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("pollInterval must be positive, not PT0S");
    }

    @Test
    void servesTheFileItStartedWith() throws Exception {
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(DirectoryFixture.standard()));

        directory = FileDirectory.start(file, FAST_POLL);

        assertThat(directory.snapshot().people()).containsExactlyElementsOf(DirectoryFixture.standard().people());
        assertThat(directory.file()).isEqualTo(file);
    }

    @Test
    void picksUpAnInPlaceEditWithoutRestart() throws Exception {
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(DirectoryFixture.standard()));
        directory = FileDirectory.start(file, FAST_POLL);

        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(withErin(Group.DAY_ONE)));

        awaitUntil(() -> eligibilityOfErin() == Eligibility.DAY_ONE);
    }

    @Test
    void reloadsExceptionsWithTheFile() throws Exception {
        String json = DirectoryFiles.json(DirectoryFixture.standard());
        DirectoryFiles.writeInPlace(file, json);
        directory = FileDirectory.start(file, FAST_POLL);
        assertThat(directory.snapshot().exemptions().covers(ERIN)).isFalse();

        DirectoryFiles.writeInPlace(file, json.substring(0, json.lastIndexOf('}'))
            + ", \"exceptions\": { \"recipients\": [\"erin@source.example\"] } }");

        awaitUntil(() -> exemptionOfErin().isExempt());
        assertThat(messages(Level.INFO)).anyMatch(line -> line.contains("never rewritten: senders [], recipients [erin@source.example], domains []"));
    }

    @Test
    void picksUpAnEditorsAtomicReplace() throws Exception {
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(DirectoryFixture.standard()));
        directory = FileDirectory.start(file, FAST_POLL);

        DirectoryFiles.replaceAtomically(file, DirectoryFiles.json(withErin(Group.DAY_TWO)));

        awaitUntil(() -> eligibilityOfErin() == Eligibility.DAY_TWO);
    }

    @Test
    void picksUpAnEditThatKeepsSizeAndTimestamp() throws Exception {
        // Same size, same timestamp, same inode: only the content hash can tell. A timestamp in the
        // future keeps the file "recently modified" however slowly this test runs.
        FileTime timestamp = FileTime.from(Instant.now().plus(Duration.ofHours(1)));
        String before = DirectoryFiles.json(DirectoryFixture.standard());
        String after = before.replaceFirst("\"mailbox\" : \"source\"", "\"mailbox\" : \"target\"");
        assertThat(after).hasSameSizeAs(before).isNotEqualTo(before);
        DirectoryFiles.writeInPlace(file, before);
        Files.setLastModifiedTime(file, timestamp);
        directory = FileDirectory.load(file);

        DirectoryFiles.writeInPlace(file, after);
        Files.setLastModifiedTime(file, timestamp);
        directory.poll();

        Person alice = directory.snapshot().lookup(DirectoryFixture.ALICE.source()).person().orElseThrow();
        assertThat(alice.mailbox()).isEqualTo(Tenant.TARGET);
    }

    @Test
    void keepsTheLastGoodSnapshotOnAnInvalidEditAndLogsOneErrorPerBadContent() throws Exception {
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(DirectoryFixture.standard()));
        directory = FileDirectory.load(file);
        DirectorySnapshot good = directory.snapshot();
        String typo = DirectoryFiles.json(withErin(Group.DAY_ONE)).replace("\"groups\"", "\"goups\"");

        DirectoryFiles.writeInPlace(file, typo);
        directory.poll();
        directory.poll();
        directory.poll();

        assertThat(directory.snapshot()).isSameAs(good);
        assertThat(messages(Level.ERROR)).singleElement().asString()
            .startsWith("Directory file " + file + " is invalid, keeping the snapshot read at " + good.asOf() + ": ")
            .contains(file + ":16:5: people[0]: unknown key \"goups\"");

        DirectoryFiles.replaceAtomically(file, "{");
        directory.poll();
        directory.poll();

        assertThat(directory.snapshot()).isSameAs(good);
        assertThat(messages(Level.ERROR)).hasSize(2).last().asString()
            .contains(file + ":1:2: malformed JSON: Unexpected end-of-input");
    }

    @Test
    void remindsThatTheFileIsStillBrokenUntilItIsFixed() throws Exception {
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(DirectoryFixture.standard()));
        directory = FileDirectory.load(file, Duration.ofMillis(20));
        DirectorySnapshot good = directory.snapshot();

        DirectoryFiles.writeInPlace(file, "{");
        directory.poll();
        Thread.sleep(50);
        directory.poll();

        // The watcher polls on its own too, so there may be more rounds than ours: at least
        // error, reminder, error again.
        assertThat(messages(Level.ERROR)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(messages(Level.ERROR).get(1)).isEqualTo("Directory file " + file
            + " still cannot be used (reminder every PT0.02S); decisions use the snapshot read at " + good.asOf());
        assertThat(messages(Level.ERROR).get(2)).isEqualTo(messages(Level.ERROR).get(0));

        DirectoryFiles.replaceAtomically(file, DirectoryFiles.json(withErin(Group.DAY_ONE)));
        directory.poll();
        int afterFix = messages(Level.ERROR).size();
        Thread.sleep(50);
        directory.poll();

        assertThat(messages(Level.ERROR)).as("no reminder once the file is fixed").hasSize(afterFix);
    }

    @Test
    void reloadsAfterAnInvalidEditIsFixed() throws Exception {
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(DirectoryFixture.standard()));
        directory = FileDirectory.start(file, FAST_POLL);
        DirectoryFiles.writeInPlace(file, "{}");
        awaitUntil(() -> !messages(Level.ERROR).isEmpty());

        DirectoryFiles.replaceAtomically(file, DirectoryFiles.json(withErin(Group.DAY_ONE)));

        awaitUntil(() -> eligibilityOfErin() == Eligibility.DAY_ONE);
        assertThat(messages(Level.ERROR)).singleElement().asString().contains(file + ":1:1: top level: missing required key");
    }

    @Test
    void keepsTheLastGoodSnapshotWhileTheFileIsMissingAndReloadsItWhenItIsBack() throws Exception {
        String content = DirectoryFiles.json(DirectoryFixture.standard());
        DirectoryFiles.writeInPlace(file, content);
        directory = FileDirectory.load(file);
        DirectorySnapshot good = directory.snapshot();

        Files.delete(file);
        directory.poll();
        directory.poll();

        assertThat(directory.snapshot()).isSameAs(good);
        assertThat(messages(Level.ERROR)).containsExactly(
            "Directory file " + file + " is missing; keeping the snapshot read at " + good.asOf());

        DirectoryFiles.writeInPlace(file, content);
        directory.poll();

        assertThat(directory.snapshot()).isNotSameAs(good);
        assertThat(directory.snapshot().people()).isEqualTo(good.people());
        assertThat(messages(Level.INFO)).hasSize(2);
    }

    @Test
    void isStaleWithTheProblemFromAnInvalidEditUntilAGoodFileIsLoaded() throws Exception {
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(DirectoryFixture.standard()));
        directory = FileDirectory.load(file);
        DirectorySnapshot good = directory.snapshot();
        assertThat(directory.freshness()).isEqualTo(Freshness.current(good.asOf()));

        DirectoryFiles.writeInPlace(file, "{");
        directory.poll();

        Freshness stale = directory.freshness();
        assertThat(stale.state()).isEqualTo(Freshness.State.STALE);
        assertThat(stale.asOf()).contains(good.asOf());
        assertThat(stale.reason()).hasValueSatisfying(reason -> assertThat(reason)
            .startsWith("invalid directory file: ").contains(file + ":1:2: malformed JSON"));

        DirectoryFiles.replaceAtomically(file, DirectoryFiles.json(withErin(Group.DAY_ONE)));
        directory.poll();

        assertThat(directory.freshness()).isEqualTo(Freshness.current(directory.snapshot().asOf()));
    }

    @Test
    void isStaleWhileTheFileIsMissing() throws Exception {
        String content = DirectoryFiles.json(DirectoryFixture.standard());
        DirectoryFiles.writeInPlace(file, content);
        directory = FileDirectory.load(file);

        Files.delete(file);
        directory.poll();

        assertThat(directory.freshness().state()).isEqualTo(Freshness.State.STALE);
        assertThat(directory.freshness().reason()).contains("directory file " + file + " is missing");

        DirectoryFiles.writeInPlace(file, content);
        directory.poll();

        assertThat(directory.freshness().state()).isEqualTo(Freshness.State.CURRENT);
    }

    @Test
    void reportsCountsAndEachConflictOnEveryLoad() throws Exception {
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(DirectoryFixture.standard()));
        directory = FileDirectory.load(file);

        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(withErin(Group.DAY_ONE, Group.DAY_TWO)));
        directory.poll();

        assertThat(messages(Level.INFO)).containsExactly(
            "Directory file " + file + " loaded: 4 people, 1 DayOne, 1 DayTwo, 1 conflicts",
            "Directory file " + file + " loaded: 5 people, 1 DayOne, 1 DayTwo, 2 conflicts");
        assertThat(messages(Level.WARN)).containsExactly(
            "Directory file " + file + ": dave@source.example / dave@target.example is in both DayOne and DayTwo; "
                + "not rewritten until it is in one group",
            "Directory file " + file + ": erin@source.example / erin@target.example is in both DayOne and DayTwo; "
                + "not rewritten until it is in one group",
            "Directory file " + file + ": dave@source.example / dave@target.example is in both DayOne and DayTwo; "
                + "not rewritten until it is in one group");
    }

    @Test
    void doesNotReloadOrLogWhenNothingChanged() throws Exception {
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(DirectoryFixture.standard()));
        directory = FileDirectory.load(file);
        DirectorySnapshot loaded = directory.snapshot();

        directory.poll();
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(DirectoryFixture.standard()));
        directory.poll();

        assertThat(directory.snapshot()).isSameAs(loaded);
        assertThat(messages(Level.INFO)).hasSize(1);
    }

    @Test
    void stopsPollingAndAnswersUnavailableOnceClosed() throws Exception {
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(DirectoryFixture.standard()));
        directory = FileDirectory.start(file, FAST_POLL);

        directory.close();

        assertThatThrownBy(directory::snapshot)
            .isInstanceOf(DirectoryUnavailableException.class)
            .hasMessage("directory file " + file + " is closed");
        // The executor reports termination just before its thread returns: give the thread a deadline to end.
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("t2t-file-directory-poller")) {
                thread.join(DEADLINE.toMillis());
                assertThat(thread.isAlive()).as("poller thread alive after close()").isFalse();
            }
        }
    }

    private Eligibility eligibilityOfErin() {
        try {
            return directory.snapshot().eligibility(ERIN);
        } catch (DirectoryUnavailableException e) {
            throw new IllegalStateException(e);
        }
    }

    private Exemption exemptionOfErin() {
        try {
            return directory.snapshot().exemptions().recipient(ERIN);
        } catch (DirectoryUnavailableException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> messages(Level level) {
        return logs.list.stream()
            .filter(event -> event.getLevel() == level)
            .map(ILoggingEvent::getFormattedMessage)
            .collect(Collectors.toList());
    }

    private static DirectoryFixture withErin(Group... groups) {
        Person erin = Person.of(ERIN, Address.parse("erin@target.example"), List.of(), List.of(), Tenant.SOURCE,
            ImmutableSet.copyOf(groups));
        return DirectoryFixture.of(DirectoryFixture.TENANTS, ImmutableList.<Person>builder()
            .add(erin).addAll(DirectoryFixture.standard().people()).build());
    }

    private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("condition still false at the deadline").isBefore(deadline);
            Thread.sleep(10);
        }
    }
}
