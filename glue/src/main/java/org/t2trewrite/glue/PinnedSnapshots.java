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
 * restart. The last few snapshots are held (at most {@value #HELD} of them, each dropped after
 * {@link #HOLD_FOR} without use), which covers a mail's trip through the pipeline by a wide margin:
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
    private final Cache<Long, DirectorySnapshot> held = CacheBuilder.newBuilder()
        .maximumSize(HELD)
        .expireAfterAccess(HOLD_FOR)
        .build();
    private DirectorySnapshot latest;
    private long latestVersion;

    @Inject
    public PinnedSnapshots(Directory directory) {
        this.directory = directory;
    }

    /** The snapshot pinned to this mail, pinning the current one if it has none (or one no longer held). */
    public DirectorySnapshot forMail(Mail mail) throws MessagingException {
        Optional<Long> pinned = pinnedVersion(mail);
        if (pinned.isPresent()) {
            DirectorySnapshot snapshot = held.getIfPresent(pinned.get());
            if (snapshot != null) {
                return snapshot;
            }
        }
        DirectorySnapshot current = current(mail);
        long version = versionOf(current);
        pinned.ifPresent(old -> LOGGER.info("mail={} directory snapshot v{} is no longer held; decisions now use v{}",
            mail.getName(), old, version));
        mail.setAttribute(new Attribute(RewriteAttributes.SNAPSHOT_VERSION, AttributeValue.of(version)));
        return current;
    }

    private static Optional<Long> pinnedVersion(Mail mail) {
        return mail.getAttribute(RewriteAttributes.SNAPSHOT_VERSION)
            .map(attribute -> attribute.getValue().value())
            .filter(Long.class::isInstance)
            .map(Long.class::cast);
    }

    private DirectorySnapshot current(Mail mail) throws MessagingException {
        try {
            return directory.snapshot();
        } catch (DirectoryUnavailableException e) {
            throw new MessagingException("mail " + mail.getName() + ": directory unavailable, mail kept for retry: "
                + e.getMessage(), e);
        }
    }

    private synchronized long versionOf(DirectorySnapshot snapshot) {
        if (snapshot != latest) {
            latest = snapshot;
            latestVersion++;
        }
        held.put(latestVersion, snapshot);
        return latestVersion;
    }
}
