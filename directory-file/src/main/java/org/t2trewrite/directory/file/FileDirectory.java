package org.t2trewrite.directory.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.core.directory.Freshness;
import org.t2trewrite.core.directory.MonitoredDirectory;

import com.google.common.hash.HashCode;
import com.google.common.hash.Hashing;

/**
 * The embedded {@link Directory}: a {@link DirectoryFile} on disk, loaded at start and reloaded
 * by a background thread when it changes, with no restart.
 *
 * <p>Behaviour:
 * <ul>
 *   <li>{@link #start} loads the file and throws if it is missing or invalid, so James refuses to
 *       start with a message naming the file, line and problem.</li>
 *   <li>A daemon thread checks the path every poll interval (default 1 s): size, modification
 *       time and file key first, then a SHA-256 of the content. It polls rather than using a
 *       {@code WatchService} because watch events are lost on some filesystems (NFS, bind mounts
 *       into containers) and an editor's atomic replace (write a temporary file, rename it over
 *       the original) swaps the inode under a watch, as does a Kubernetes ConfigMap volume
 *       (a symbolic link swapped to a new directory). Polling the path, links followed, sees all of them.</li>
 *   <li>A valid change replaces the snapshot and logs one INFO line (file, people, DayOne,
 *       DayTwo, conflicts) and one WARN per person in both groups.</li>
 *   <li>An invalid change, a deleted or unreadable file keeps the last good snapshot and logs
 *       one ERROR (file, line, problem) per distinct bad content or state, not one per poll.</li>
 *   <li>{@link #snapshot()} does no I/O: it hands out the latest good snapshot.</li>
 *   <li>{@link #freshness()} is {@code CURRENT} while the file loads cleanly, {@code STALE} with
 *       the problem (the same words as the ERROR line) from a bad edit, a deletion or a read
 *       failure until a good file is loaded again, and {@code NONE} once closed.</li>
 *   <li>{@link #close()} stops the thread; after it, {@link #snapshot()} throws
 *       {@link DirectoryUnavailableException}: a directory that no longer follows its file cannot
 *       vouch for its answers.</li>
 * </ul>
 *
 * <p>Limitations: an editor that rewrites the file in place may be caught half-way; that
 * content is invalid (an ERROR is logged) or, rarely, valid but truncated, and the next poll
 * loads the complete file. Write a temporary file and rename it to avoid both.
 */
public final class FileDirectory implements MonitoredDirectory, Closeable {
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /** How often a file that stays broken is reported again. */
    static final Duration REMIND_EVERY = Duration.ofMinutes(10);

    private static final Logger LOGGER = LoggerFactory.getLogger(FileDirectory.class);
    /**
     * Coarsest modification-time granularity among common filesystems (FAT: 2 s). A change made
     * within this window of our last read may keep the same size and timestamp, so until the
     * file's timestamp is older than our read by this much we re-hash it on every poll (the
     * "racy clean" problem git's index solves the same way).
     */
    private static final Duration TIMESTAMP_GRANULARITY = Duration.ofSeconds(2);

    private final Path file;
    private final Object pollLock = new Object();
    private volatile DirectorySnapshot current;
    private volatile boolean closed;
    /** What keeps the file from being used, as logged; null while the last check loaded it cleanly. */
    private volatile String problem;
    private ScheduledExecutorService poller;

    // Guarded by pollLock: the poller thread's memory of what it last saw and reported.
    private Stamp lastStamp;
    private Instant lastReadAt;
    private HashCode lastContent;
    private String lastProblem;
    private Runnable lastProblemLog;
    private Instant lastReportedAt;

    private final Duration remindEvery;

    private FileDirectory(Path file, DirectorySnapshot initial, Stamp stamp, Instant readAt, HashCode content,
                          Duration remindEvery) {
        this.file = file;
        this.remindEvery = remindEvery;
        this.current = initial;
        this.lastStamp = stamp;
        this.lastReadAt = readAt;
        this.lastContent = content;
    }

    /** Loads the file and polls it every {@link #DEFAULT_POLL_INTERVAL}. */
    public static FileDirectory start(Path file) throws IOException, InvalidDirectoryFileException {
        return start(file, DEFAULT_POLL_INTERVAL);
    }

    /**
     * Loads the file and polls it every {@code pollInterval}.
     *
     * @throws IOException when the file cannot be read (missing, no permission)
     * @throws InvalidDirectoryFileException when its content is not a valid directory
     * @throws IllegalArgumentException when the poll interval is not positive
     */
    public static FileDirectory start(Path file, Duration pollInterval) throws IOException, InvalidDirectoryFileException {
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, not " + pollInterval);
        }
        FileDirectory directory = load(file);
        directory.startPolling(pollInterval);
        return directory;
    }

    /** Loads the file without starting the poller: {@link #poll()} is then called by the caller. */
    static FileDirectory load(Path file) throws IOException, InvalidDirectoryFileException {
        return load(file, REMIND_EVERY);
    }

    /** {@link #load(Path)} with another reminder interval, for tests of the reminder. */
    static FileDirectory load(Path file, Duration remindEvery) throws IOException, InvalidDirectoryFileException {
        Objects.requireNonNull(file, "file");
        Stamp stamp = Stamp.of(file);
        Instant readAt = Instant.now();
        byte[] content = Files.readAllBytes(file);
        DirectorySnapshot snapshot = DirectoryFile.parse(file.toString(), content, readAt);
        FileDirectory directory = new FileDirectory(file, snapshot, stamp, readAt, Hashing.sha256().hashBytes(content),
            remindEvery);
        directory.logLoaded(snapshot);
        return directory;
    }

    private void startPolling(Duration interval) {
        poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "t2t-file-directory-poller");
            thread.setDaemon(true);
            return thread;
        });
        long nanos = interval.toNanos();
        poller.scheduleWithFixedDelay(this::pollSafely, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public DirectorySnapshot snapshot() throws DirectoryUnavailableException {
        if (closed) {
            throw new DirectoryUnavailableException("directory file " + file + " is closed");
        }
        return current;
    }

    @Override
    public Freshness freshness() {
        if (closed) {
            return Freshness.none("directory file " + file + " is closed");
        }
        String now = problem;
        return now == null ? Freshness.current(current.asOf()) : Freshness.stale(current.asOf(), now);
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        closed = true;
        if (poller != null) {
            poller.shutdownNow();
            try {
                poller.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            // An exception escaping a scheduled task silently cancels every later run: report it
            // (once) and keep polling.
            synchronized (pollLock) {
                reportOnce("bug:" + e, "unexpected failure while checking directory file " + file + ": " + e,
                    () -> LOGGER.error("Directory file {}: unexpected failure while checking it; "
                        + "keeping the snapshot read at {}", file, current.asOf(), e));
            }
        }
    }

    /** Checks the file once and reloads it if its content changed. What the poller thread runs. */
    void poll() {
        synchronized (pollLock) {
            Stamp stamp;
            byte[] content;
            Instant readAt = Instant.now();
            remindIfStillBroken(readAt);
            try {
                stamp = Stamp.of(file);
                if (stamp.equals(lastStamp) && settled(stamp)) {
                    return;
                }
                content = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                // Forget the content so that putting the same file back logs that it is loaded again.
                lastStamp = null;
                lastContent = null;
                reportOnce("missing", "directory file " + file + " is missing",
                    () -> LOGGER.error("Directory file {} is missing; keeping the snapshot read at {}", file, current.asOf()));
                return;
            } catch (IOException e) {
                lastStamp = null;
                lastContent = null;
                reportOnce("io:" + e, "directory file " + file + " cannot be read (" + e + ")",
                    () -> LOGGER.error("Directory file {} cannot be read ({}); keeping the snapshot read at {}",
                        file, e.toString(), current.asOf()));
                return;
            }
            lastStamp = stamp;
            lastReadAt = readAt;
            HashCode hash = Hashing.sha256().hashBytes(content);
            if (hash.equals(lastContent)) {
                return;
            }
            lastContent = hash;
            try {
                DirectorySnapshot snapshot = DirectoryFile.parse(file.toString(), content, readAt);
                current = snapshot;
                lastProblem = null;
                lastProblemLog = null;
                problem = null;
                logLoaded(snapshot);
            } catch (InvalidDirectoryFileException e) {
                // The exception's message names the file, line and column.
                reportOnce("content:" + hash, "invalid directory file: " + e.getMessage(),
                    () -> LOGGER.error("Directory file {} is invalid, keeping the snapshot read at {}: {}",
                        file, current.asOf(), e.getMessage()));
            }
        }
    }

    private boolean settled(Stamp stamp) {
        return stamp.modified.plus(TIMESTAMP_GRANULARITY).isBefore(lastReadAt);
    }

    private void reportOnce(String problemKey, String description, Runnable log) {
        problem = description;
        if (!problemKey.equals(lastProblem)) {
            lastProblem = problemKey;
            lastProblemLog = log;
            lastReportedAt = Instant.now();
            log.run();
        }
    }

    /**
     * A directory that serves an old snapshot because its file is broken is said so again every
     * {@link #REMIND_EVERY}, not only once: an operator who missed the first line (or rotated the
     * log) still learns that edits are not taking effect.
     */
    private void remindIfStillBroken(Instant now) {
        if (lastProblemLog != null && !Duration.between(lastReportedAt, now).minus(remindEvery).isNegative()) {
            lastReportedAt = now;
            LOGGER.error("Directory file {} still cannot be used (reminder every {}); decisions use the snapshot read at {}",
                file, remindEvery, current.asOf());
            lastProblemLog.run();
        }
    }

    private void logLoaded(DirectorySnapshot snapshot) {
        int dayOne = 0;
        int dayTwo = 0;
        for (Person person : snapshot.people()) {
            Eligibility eligibility = person.eligibility();
            if (eligibility == Eligibility.DAY_ONE) {
                dayOne++;
            } else if (eligibility == Eligibility.DAY_TWO) {
                dayTwo++;
            }
        }
        LOGGER.info("Directory file {} loaded: {} people, {} DayOne, {} DayTwo, {} conflicts",
            file, snapshot.people().size(), dayOne, dayTwo, snapshot.conflicts().size());
        if (!snapshot.exemptions().isEmpty()) {
            LOGGER.info("Directory file {}: never rewritten: senders {}, recipients {}, domains {}", file,
                snapshot.exemptions().senders(), snapshot.exemptions().recipients(), snapshot.exemptions().domains());
        }
        for (Person person : snapshot.conflicts()) {
            LOGGER.warn("Directory file {}: {} / {} is in both DayOne and DayTwo; not rewritten until it is in one group",
                file, person.source(), person.target());
        }
    }

    /** What a stat of the path says: enough to skip reading an unchanged file. */
    private static final class Stamp {
        private final long size;
        private final Instant modified;
        private final Object fileKey;

        private Stamp(long size, Instant modified, Object fileKey) {
            this.size = size;
            this.modified = modified;
            this.fileKey = fileKey;
        }

        static Stamp of(Path file) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.size(), attributes.lastModifiedTime().toInstant(), attributes.fileKey());
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Stamp)) {
                return false;
            }
            Stamp other = (Stamp) o;
            return size == other.size && modified.equals(other.modified) && Objects.equals(fileKey, other.fileKey);
        }

        @Override
        public int hashCode() {
            return Objects.hash(size, modified, fileKey);
        }
    }
}
