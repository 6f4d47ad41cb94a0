package org.t2trewrite.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.t2trewrite.dkim.DkimKey;

/**
 * Compares what DNS publishes at a key's {@code <selector>._domainkey.<domain>} with the key:
 * each TXT record is read as a DKIM key record (RFC 6376 §3.6.1: tag=value pairs separated by
 * {@code ;}, whitespace inside values ignored, {@code k=} defaulting to {@code rsa}); the key is
 * published when one record carries its public key ({@code p=}) and key type.
 *
 * <p>A pure function of the DNS answer: the lookup is the caller's.
 */
final class DkimRecordCheck {
    enum Outcome {
        EQUAL, DIFFERENT, MISSING, UNAVAILABLE
    }

    /** The outcome and, for every outcome but EQUAL, why. */
    static final class Result {
        final Outcome outcome;
        final String detail;

        private Result(Outcome outcome, String detail) {
            this.outcome = outcome;
            this.detail = detail;
        }
    }

    private DkimRecordCheck() {
    }

    static Result check(DkimKey key, DnsClient.Answer<String> answer) {
        switch (answer.kind()) {
            case UNAVAILABLE:
                return new Result(Outcome.UNAVAILABLE, answer.reason());
            case NOT_FOUND:
                return new Result(Outcome.MISSING, answer.reason());
            default:
                break;
        }
        String wanted = key.publicKeyBase64();
        String type = key.algorithm().keyType();
        String seen = null;
        for (String text : answer.values()) {
            Map<String, String> tags = tags(text);
            Optional<String> p = Optional.ofNullable(tags.get("p"));
            if (p.isEmpty()) {
                continue;
            }
            String k = tags.getOrDefault("k", "rsa").toLowerCase(Locale.ROOT);
            if (p.get().equals(wanted) && k.equals(type)) {
                return new Result(Outcome.EQUAL, null);
            }
            seen = p.get().isEmpty() ? "the published record revokes the key (empty p=)"
                : !k.equals(type) ? "the published key is k=" + k + ", ours is k=" + type
                : "the published p= is another key (" + abbreviate(p.get()) + ", ours " + abbreviate(wanted) + ")";
        }
        if (seen == null) {
            return new Result(Outcome.MISSING, "TXT records there, but none is a DKIM key record (no p= tag)");
        }
        return new Result(Outcome.DIFFERENT, seen);
    }

    /** RFC 6376 §3.2 tag-list; whitespace is removed from values (base64 may be folded). */
    static Map<String, String> tags(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            int equals = part.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            tags.putIfAbsent(part.substring(0, equals).trim().toLowerCase(Locale.ROOT),
                part.substring(equals + 1).replaceAll("\\s+", ""));
        }
        return tags;
    }

    private static String abbreviate(String base64) {
        return base64.length() <= 16 ? base64 : base64.substring(0, 8) + "..." + base64.substring(base64.length() - 8);
    }
}
