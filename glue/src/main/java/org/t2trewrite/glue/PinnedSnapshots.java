package org.t2trewrite.glue;

import java.time.Duration;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * One directory snapshot per mail, as {@link Directory} promises: the first of our pieces that
 * consults the directory about a mail pins the current snapshot (its version goes into the mail
 * attribute {@link RewriteAttributes#SNAPSHOT_VERSION}); every later matcher and mailet, and every
 * copy James splits off the mail (attributes are copied), decides on that same snapshot. So a
 * matcher's decision is the one its mailet applies, even when the directory changes in between.
 *
 * <p>Shared by all our matchers and mailets (one instance, provided by the Guice module).
 * Versions count the distinct snapshots this instance has handed out; they mean nothing across a
 * restart. The current snapshot and the last few before it are held (at most {@value #HELD}
 * older ones, each dropped after {@link #HOLD_FOR} without use), which covers a mail's trip through the pipeline by a wide margin:
 * the directory changes at most every few seconds. A mail whose pinned snapshot is no longer held
 * (it waited in a queue for a retry, or the relay restarted) is pinned anew to the current
 * snapshot, logged at INFO: a retry should decide on the directory as it is now.
 *
 * <p>On failure: a directory that cannot answer (no snapshot yet) throws
 * {@link MessagingException}, which James turns into the processor's failure handling (the
 * {@code error} processor by default): an unavailable directory never reads as "not a member".
 */
public final class PinnedSnapshots {
    static final int HELD = 4;
    static final Duration HOLD_FOR = Duration.ofMinutes(10);
    private static final Logger LOGGER = LoggerFactory.getLogger(PinnedSnapshots.class);

    private final Directory directory;
    /** Snapshots handed out before the current one, by version. */
    private final Cache<Long, DirectorySnapshot> held = CacheBuilder.newBuilder()
        .maximumSize(HELD)
        .expireAfterAccess(HOLD_FOR)
        .build();
    /** The latest snapshot handed out and its version: read without a lock on every decision. */
    private volatile Pin current = new Pin(0, null);

    @Inject
    public PinnedSnapshots(Directory directory) {
        this.directory = directory;
    }

    /** The snapshot pinned to this mail, pinning the current one if it has none (or one no longer held). */
    public DirectorySnapshot forMail(Mail mail) throws MessagingException {
        Optional<Long> pinned = pinnedVersion(mail);
        if (pinned.isPresent()) {
            Pin latest = current;
            if (latest.version == pinned.get()) {
                return latest.snapshot;
            }
            DirectorySnapshot snapshot = held.getIfPresent(pinned.get());
            if (snapshot != null) {
                return snapshot;
            }
        }
        Pin pin = pinFor(snapshotNow(mail));
        pinned.ifPresent(old -> LOGGER.info("mail={} directory snapshot v{} is no longer held; decisions now use v{}",
            mail.getName(), old, pin.version));
        mail.setAttribute(new Attribute(RewriteAttributes.SNAPSHOT_VERSION, AttributeValue.of(pin.version)));
        return pin.snapshot;
    }

    private static Optional<Long> pinnedVersion(Mail mail) {
        return mail.getAttribute(RewriteAttributes.SNAPSHOT_VERSION)
            .map(attribute -> attribute.getValue().value())
            .filter(Long.class::isInstance)
            .map(Long.class::cast);
    }

    private DirectorySnapshot snapshotNow(Mail mail) throws MessagingException {
        try {
            return directory.snapshot();
        } catch (DirectoryUnavailableException e) {
            throw new MessagingException("mail " + mail.getName() + ": directory unavailable, mail kept for retry: "
                + e.getMessage(), e);
        }
    }

    private Pin pinFor(DirectorySnapshot snapshot) {
        Pin latest = current;
        if (latest.snapshot == snapshot) {
            return latest;
        }
        synchronized (this) {
            latest = current;
            if (latest.snapshot != snapshot) {
                if (latest.snapshot != null) {
                    held.put(latest.version, latest.snapshot);
                }
                latest = new Pin(latest.version + 1, snapshot);
                current = latest;
            }
            return latest;
        }
    }

    private static final class Pin {
        private final long version;
        private final DirectorySnapshot snapshot;

        Pin(long version, DirectorySnapshot snapshot) {
            this.version = version;
            this.snapshot = snapshot;
        }
    }
}
