package org.t2trewrite.glue;

import org.apache.mailet.AttributeName;

/** The mail attributes our mailets set, for the mailets and matchers that act on them later. */
public final class RewriteAttributes {
    /**
     * Set by {@code RewriteSender} on a mail whose sender it rewrote: the domain (String) the mail
     * now speaks for, i.e. the domain {@code DkimSignRewritten} must sign for.
     */
    public static final AttributeName SIGNING_DOMAIN = AttributeName.of("org.t2trewrite.signing-domain");
    /**
     * Set by the first of our pieces that consults the directory: the version (Long) of the
     * directory snapshot every later decision about this mail uses ({@link PinnedSnapshots}).
     */
    public static final AttributeName SNAPSHOT_VERSION = AttributeName.of("org.t2trewrite.snapshot-version");

    /**
     * Set by {@code RecordRetry}: how many times (Integer) this mail was put back in the spool
     * because of a temporary failure of ours. Carried through the queue and across restarts.
     */
    public static final AttributeName RETRY_COUNT = AttributeName.of("org.t2trewrite.retry-count");

    private RewriteAttributes() {
    }
}
