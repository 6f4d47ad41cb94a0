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

    /**
     * Set by {@code RewriteSender} and {@code RewriteRecipients} on a mail whose header or body they
     * changed (Boolean {@code true}): the mail {@code ArcSeal} seals, because our change broke the
     * signatures its author made.
     */
    public static final AttributeName MESSAGE_CHANGED = AttributeName.of("org.t2trewrite.message-changed");

    /**
     * Set by {@code VerifyAuthentication} before the mail is changed: the Authentication-Results
     * payload (String, RFC 8601: authserv-id, then {@code dkim=}, {@code spf=}, {@code dmarc=},
     * {@code arc=} results) that {@code ArcSeal} records in its ARC-Authentication-Results.
     */
    public static final AttributeName AUTHENTICATION_RESULTS = AttributeName.of("org.t2trewrite.authentication-results");

    /**
     * Set by {@code VerifyAuthentication} with the results: the status (String {@code none},
     * {@code pass} or {@code fail}) of the ARC chain the mail arrived with, the {@code cv=} of the
     * set {@code ArcSeal} adds.
     */
    public static final AttributeName ARC_CHAIN = AttributeName.of("org.t2trewrite.arc-chain");

    private RewriteAttributes() {
    }
}
