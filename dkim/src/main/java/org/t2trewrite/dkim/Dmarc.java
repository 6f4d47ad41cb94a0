package org.t2trewrite.dkim;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * DMARC (RFC 7489) for the {@code From} domain of a message, from its policy record and the DKIM
 * and SPF results: {@code pass} when a passing DKIM signature's {@code d=} or a passing SPF's
 * {@code MAIL FROM} domain is aligned with the {@code From} domain (relaxed: the same
 * organisational domain; strict, {@code adkim=s}/{@code aspf=s}: the same domain), {@code fail}
 * otherwise, {@code none} without a policy, {@code temperror} when the policy could not be looked up.
 *
 * <p>The policy is looked up at {@code _dmarc.<From domain>}, then at {@code _dmarc.<organisational
 * domain>} (§6.6.3). The organisational domain is, by a simple documented rule instead of the
 * Public Suffix List, the last two labels of the name: right for {@code example.com} and
 * {@code sub.example.com}, wrong for registries under a second-level suffix such as
 * {@code example.co.uk} (its organisational domain is taken as {@code co.uk}, whose record nobody
 * publishes, so such a domain without its own {@code _dmarc} record reads as {@code none}).
 *
 * <p>Reports what the policy asks ({@code p=}, or {@code sp=} for a subdomain found at the
 * organisational domain) without applying it: the relay delivers every mail. Pure apart from the
 * look-up.
 */
final class Dmarc {
    private final SignatureCheck.Result result;
    private final String policy;
    private final String reason;

    private Dmarc(SignatureCheck.Result result, String policy, String reason) {
        this.result = result;
        this.policy = policy;
        this.reason = reason;
    }

    /**
     * @param fromDomain the {@code From} address's domain, lower-case
     * @param dkimPassDomains the {@code d=} of every DKIM signature that passed
     * @param spfPassDomain the {@code MAIL FROM} (or HELO) domain when SPF passed
     */
    static Dmarc evaluate(String fromDomain, List<String> dkimPassDomains, Optional<String> spfPassDomain, TxtLookup dns) {
        String organisational = organisationalDomain(fromDomain);
        Policy policy = policy("_dmarc." + fromDomain, dns);
        boolean atOrganisation = false;
        if (policy.answer == Lookup.NONE && !organisational.equals(fromDomain)) {
            policy = policy("_dmarc." + organisational, dns);
            atOrganisation = true;
        }
        if (policy.answer == Lookup.TEMPORARY) {
            return new Dmarc(SignatureCheck.Result.TEMPERROR, "", policy.reason);
        }
        if (policy.answer == Lookup.NONE) {
            return new Dmarc(SignatureCheck.Result.NONE_RESULT, "", "no policy");
        }
        String requested = atOrganisation ? policy.tags.get("sp").orElse(policy.tags.get("p").orElse("none"))
            : policy.tags.get("p").orElse("none");
        boolean strictDkim = policy.tags.get("adkim").orElse("r").equalsIgnoreCase("s");
        boolean strictSpf = policy.tags.get("aspf").orElse("r").equalsIgnoreCase("s");
        boolean dkimAligned = dkimPassDomains.stream().anyMatch(d -> aligned(d, fromDomain, strictDkim));
        boolean spfAligned = spfPassDomain.map(d -> aligned(d, fromDomain, strictSpf)).orElse(false);
        if (dkimAligned || spfAligned) {
            return new Dmarc(SignatureCheck.Result.PASS, requested.toLowerCase(Locale.ROOT), "");
        }
        return new Dmarc(SignatureCheck.Result.FAIL, requested.toLowerCase(Locale.ROOT), "no aligned DKIM or SPF pass");
    }

    static boolean aligned(String domain, String fromDomain, boolean strict) {
        String lower = domain.toLowerCase(Locale.ROOT);
        return strict ? lower.equals(fromDomain) : organisationalDomain(lower).equals(organisationalDomain(fromDomain));
    }

    /** The last two labels (see the class comment for what this rule gets wrong). */
    static String organisationalDomain(String domain) {
        String[] labels = domain.toLowerCase(Locale.ROOT).split("\\.");
        if (labels.length <= 2) {
            return domain.toLowerCase(Locale.ROOT);
        }
        return labels[labels.length - 2] + "." + labels[labels.length - 1];
    }

    private enum Lookup { FOUND, NONE, TEMPORARY }

    private static final class Policy {
        private final Lookup answer;
        private final TagList tags;
        private final String reason;

        private Policy(Lookup answer, TagList tags, String reason) {
            this.answer = answer;
            this.tags = tags;
            this.reason = reason;
        }
    }

    private static Policy policy(String name, TxtLookup dns) {
        TxtAnswer answer = dns.txt(name);
        if (answer.kind() == TxtAnswer.Kind.TEMPORARY_FAILURE) {
            return new Policy(Lookup.TEMPORARY, null, answer.failure());
        }
        for (String record : answer.records()) {
            // §6.6.3: only records that start with v=DMARC1 count.
            if (record.trim().startsWith("v=DMARC1")) {
                try {
                    return new Policy(Lookup.FOUND, TagList.parse(record), "");
                } catch (IllegalArgumentException e) {
                    return new Policy(Lookup.NONE, null, "");
                }
            }
        }
        return new Policy(Lookup.NONE, null, "");
    }

    SignatureCheck.Result result() {
        return result;
    }

    /** The policy asked for ({@code none}, {@code quarantine}, {@code reject}); empty without a policy. */
    String policy() {
        return policy;
    }

    String reason() {
        return reason;
    }
}
