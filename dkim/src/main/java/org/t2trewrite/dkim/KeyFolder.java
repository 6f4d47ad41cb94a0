package org.t2trewrite.dkim;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of private keys, one PEM file per domain and selector, named
 * {@code <selector>._domainkey.<domain>.pem} (see {@link KeyName}). Files not ending in
 * {@code .pem}, hidden files (editors' and atomic writers' temporaries) and sub-folders are
 * ignored, so notes or copies of the DNS records may sit beside the keys.
 *
 * <p>{@link #open} reads and validates every key, a test signature included (a key that parses
 * but cannot sign is a bad file): any bad file is an error naming it, which stops James at
 * start-up. {@link #current()} then notices changes (a file added, removed,
 * resized or touched) at most once per check interval and re-reads the folder; a folder that no
 * longer reads cleanly keeps the previous keys in use and is reported once at ERROR, naming the
 * file, until it is fixed.
 *
 * <p>Never logs key material: only names, algorithms and sizes. Thread safe.
 */
public final class KeyFolder {
    private static final Logger LOGGER = LoggerFactory.getLogger(KeyFolder.class);

    private final Path folder;
    private final Clock clock;
    private final Duration checkInterval;
    private final RsaSigning rsaSigning;
    private final Object reloadLock = new Object();
    private volatile State state;

    private static final class State {
        private final KeyRing ring;
        private final String fingerprint;
        private final Instant nextCheck;
        private final Optional<String> reportedFailure;
        /** Why the folder's content was refused, naming the file; empty once it reads cleanly. */
        private final Optional<String> refusal;

        private State(KeyRing ring, String fingerprint, Instant nextCheck, Optional<String> reportedFailure,
                      Optional<String> refusal) {
            this.ring = ring;
            this.fingerprint = fingerprint;
            this.nextCheck = nextCheck;
            this.reportedFailure = reportedFailure;
            this.refusal = refusal;
        }
    }

    /**
     * The keys in use and, when the folder's latest content was refused (the previous keys are
     * still in use), why: a value taken at one moment, for health checks.
     */
    public static final class Status {
        private final KeyRing ring;
        private final Optional<String> refusal;

        private Status(KeyRing ring, Optional<String> refusal) {
            this.ring = ring;
            this.refusal = refusal;
        }

        public KeyRing ring() {
            return ring;
        }

        /** The error that kept the last change out, naming the file; empty when the folder reads cleanly. */
        public Optional<String> refusal() {
            return refusal;
        }
    }

    private KeyFolder(Path folder, Clock clock, Duration checkInterval, RsaSigning rsaSigning, State state) {
        this.folder = folder;
        this.clock = clock;
        this.checkInterval = checkInterval;
        this.rsaSigning = rsaSigning;
        this.state = state;
    }

    /**
     * Reads and validates every key in the folder; RSA keys sign with the JDK's default provider.
     *
     * @throws IllegalArgumentException naming the folder or file when the folder cannot be read
     *         or a key file is invalid
     */
    public static KeyFolder open(Path folder, Clock clock, Duration checkInterval) {
        return open(folder, clock, checkInterval, RsaSigning.jdk());
    }

    /**
     * Reads and validates every key in the folder; RSA keys, these and those read later, are
     * prepared for {@code rsaSigning}'s provider as they are read.
     *
     * @throws IllegalArgumentException naming the folder or file when the folder cannot be read,
     *         a key file is invalid, or ({@code rsaProvider=accp}) ACCP cannot sign with a key
     */
    public static KeyFolder open(Path folder, Clock clock, Duration checkInterval, RsaSigning rsaSigning) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(rsaSigning, "rsaSigning");
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("DKIM key folder " + folder + " is not a readable directory");
        }
        String fingerprint = fingerprint(folder);
        KeyRing ring = load(folder, rsaSigning);
        LOGGER.info("DKIM keys loaded from {}: {}", folder, ring);
        return new KeyFolder(folder, clock, checkInterval, rsaSigning, new State(ring, fingerprint,
            clock.instant().plus(checkInterval), Optional.empty(), Optional.empty()));
    }

    /** The keys in use: the folder's current content if it reads cleanly, else the last good one. */
    public KeyRing current() {
        State seen = state;
        if (clock.instant().isBefore(seen.nextCheck)) {
            return seen.ring;
        }
        synchronized (reloadLock) {
            seen = state;
            Instant now = clock.instant();
            if (now.isBefore(seen.nextCheck)) {
                return seen.ring;
            }
            state = refreshed(seen, now.plus(checkInterval));
            return state.ring;
        }
    }

    /**
     * The keys in use and whether the folder's latest content was refused. Checks the folder for
     * changes as {@link #current()} does (at most once per check interval), so a health probe sees
     * a change even when no mail is signed.
     */
    public Status status() {
        current();
        State seen = state;
        return new Status(seen.ring, seen.refusal);
    }

    private State refreshed(State seen, Instant nextCheck) {
        String fingerprint;
        try {
            fingerprint = fingerprint(folder);
        } catch (IllegalArgumentException e) {
            return failed(seen, "unreadable:" + e.getMessage(), e.getMessage(), nextCheck);
        }
        if (fingerprint.equals(seen.fingerprint)) {
            return new State(seen.ring, seen.fingerprint, nextCheck, seen.reportedFailure, seen.refusal);
        }
        try {
            KeyRing ring = load(folder, rsaSigning);
            LOGGER.info("DKIM key folder {} changed; keys now: {}", folder, ring);
            return new State(ring, fingerprint, nextCheck, Optional.empty(), Optional.empty());
        } catch (IllegalArgumentException e) {
            return failed(seen, fingerprint, e.getMessage(), nextCheck);
        }
    }

    private State failed(State seen, String failedFingerprint, String message, Instant nextCheck) {
        // Remember the failed content, so that it is reported once and not on every check.
        if (!seen.reportedFailure.equals(Optional.of(failedFingerprint))) {
            LOGGER.error("DKIM key folder {} changed but does not read cleanly; still signing with the previous keys {}: {}",
                folder, seen.ring, message);
        }
        return new State(seen.ring, failedFingerprint, nextCheck, Optional.of(failedFingerprint), Optional.of(message));
    }

    private static KeyRing load(Path folder, RsaSigning rsaSigning) {
        List<DkimKey> keys = new ArrayList<>();
        for (Path file : keyFiles(folder).values()) {
            String fileName = file.getFileName().toString();
            KeyName name = KeyName.parseFileName(fileName).orElseThrow();
            DkimKey key;
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                key = PemKeys.read(name, file.toString(), reader);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
            }
            if (key.algorithm() == DkimAlgorithm.RSA_SHA256 && key.bits() < PemKeys.RECOMMENDED_RSA_BITS) {
                LOGGER.warn("DKIM key {} is RSA with {} bits; RFC 8301 recommends at least {}: replace it",
                    file, key.bits(), PemKeys.RECOMMENDED_RSA_BITS);
            }
            try {
                DkimKey signing = key.signingWith(rsaSigning);
                signing.checkSigns();
                keys.add(signing);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
        return KeyRing.of(keys);
    }

    private static TreeMap<String, Path> keyFiles(Path folder) {
        TreeMap<String, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String fileName = entry.getFileName().toString();
                if (fileName.startsWith(".") || !Files.isRegularFile(entry)) {
                    continue;
                }
                if (KeyName.parseFileName(fileName).isPresent()) {
                    files.put(fileName, entry);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("DKIM key folder " + folder + " cannot be listed (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DKIM key folder " + folder + ": " + e.getMessage(), e);
        }
        return files;
    }

    /** Names, sizes and modification times of the key files: what changes when a key does. */
    private static String fingerprint(Path folder) {
        StringBuilder fingerprint = new StringBuilder();
        for (Path file : keyFiles(folder).values()) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                fingerprint.append(file.getFileName()).append('|').append(attributes.size()).append('|')
                    .append(attributes.lastModifiedTime()).append('|')
                    .append(attributes.fileKey()).append('\n');
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": cannot read its attributes (" + e.getMessage() + ")", e);
            }
        }
        return fingerprint.toString();
    }

    public Path folder() {
        return folder;
    }
}
