package org.t2trewrite.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;

/**
 * Verifies one DKIM-Signature (RFC 6376 §6.1) or ARC-Message-Signature (RFC 8617 §4.1.2, the same
 * tags with {@code i=} instead of {@code v=}) of a message given as header fields and a body whose
 * lines end in CRLF: simple and relaxed canonicalisation, {@code l=}, {@code x=}, {@code rsa-sha256}
 * and {@code ed25519-sha256}, the key from {@link TxtLookup}. Shares canonicalisation with our
 * signer ({@link DkimSigner#canonicalSignedFields}, {@link RelaxedCanonicalization}).
 *
 * <p>Written here rather than taken from jDKIM 0.3 because jDKIM verifies neither Ed25519 nor ARC
 * and canonicalises an empty body wrongly (see {@link RelaxedCanonicalization}). Pure apart from
 * the look-up; thread safe.
 */
final class SignatureCheck {
    /** RFC 8601 §2.7.1 results. */
    enum Result {
        PASS, FAIL, NEUTRAL, TEMPERROR, PERMERROR, NONE_RESULT;

        String word() {
            return this == NONE_RESULT ? "none" : name().toLowerCase(Locale.ROOT);
        }
    }

    /** A signature's result, whose it is, and why when it did not pass. */
    static final class Verdict {
        private final Result result;
        private final String domain;
        private final String selector;
        private final String signaturePrefix;
        private final String reason;

        Verdict(Result result, String domain, String selector, String signaturePrefix, String reason) {
            this.result = result;
            this.domain = domain;
            this.selector = selector;
            this.signaturePrefix = signaturePrefix;
            this.reason = reason;
        }

        Result result() {
            return result;
        }

        /** The {@code d=} value, lower-case; empty when the signature had none. */
        String domain() {
            return domain;
        }

        String selector() {
            return selector;
        }

        /** The first 8 characters of {@code b=}, for {@code header.b} (RFC 6008). */
        String signaturePrefix() {
            return signaturePrefix;
        }

        String reason() {
            return reason;
        }

        @Override
        public String toString() {
            return result.word() + " d=" + domain + " s=" + selector + (reason.isEmpty() ? "" : " (" + reason + ")");
        }
    }

    private static final Pattern B_TAG = Pattern.compile("(^|;)([ \\t\\r\\n]*b[ \\t\\r\\n]*=)[^;]*");

    private SignatureCheck() {
    }

    /** A DKIM-Signature field. */
    static Verdict dkim(HeaderSection fields, byte[] body, HeaderField signature, TxtLookup dns, Instant now) {
        return verify(fields, body, signature, false, dns, now);
    }

    /** An ARC-Message-Signature field. */
    static Verdict arcMessageSignature(HeaderSection fields, byte[] body, HeaderField signature, TxtLookup dns, Instant now) {
        return verify(fields, body, signature, true, dns, now);
    }

    private static Verdict verify(HeaderSection fields, byte[] body, HeaderField signature, boolean arc, TxtLookup dns,
                                  Instant now) {
        TagList tags;
        try {
            tags = TagList.parse(latin1(signature.valueBytes()));
        } catch (IllegalArgumentException e) {
            return new Verdict(Result.NEUTRAL, "", "", "", "malformed: " + e.getMessage());
        }
        String domain = tags.get("d").orElse("").toLowerCase(Locale.ROOT);
        String selector = tags.get("s").orElse("").toLowerCase(Locale.ROOT);
        String b = tags.get("b").orElse("");
        String prefix = b.substring(0, Math.min(8, b.length()));
        try {
            if (arc) {
                tags.require("i");
            } else if (!tags.require("v").equals("1")) {
                return new Verdict(Result.NEUTRAL, domain, selector, prefix, "v= is not 1");
            }
            DkimAlgorithm algorithm = algorithm(tags.require("a"));
            List<String> names = SignedHeaders.parseList(tags.require("h").toLowerCase(Locale.ROOT));
            if (!arc && !names.contains("from")) {
                return new Verdict(Result.PERMERROR, domain, selector, prefix, "h= does not cover From");
            }
            if (domain.isEmpty() || selector.isEmpty() || b.isEmpty()) {
                return new Verdict(Result.PERMERROR, domain, selector, prefix, "d=, s= or b= is empty");
            }
            Optional<String> expiry = tags.get("x");
            if (expiry.isPresent() && Long.parseLong(expiry.get()) < now.getEpochSecond()) {
                return new Verdict(Result.FAIL, domain, selector, prefix, "expired (x=" + expiry.get() + ")");
            }
            String[] canonicalization = tags.get("c").orElse("simple/simple").toLowerCase(Locale.ROOT).split("/", -1);
            boolean relaxedHeader = relaxed(canonicalization[0]);
            boolean relaxedBody = relaxed(canonicalization.length > 1 ? canonicalization[1] : "simple");
            long limit = tags.get("l").map(Long::parseLong).orElse(-1L);
            byte[] bodyHash = RelaxedCanonicalization.bodyHash(body, relaxedBody, limit);
            if (!Arrays.equals(bodyHash, Base64.getDecoder().decode(tags.require("bh")))) {
                return new Verdict(Result.FAIL, domain, selector, prefix, "body hash did not verify");
            }
            KeyLookup key = key(dns, selector, domain);
            if (key.verdict != null) {
                return new Verdict(key.verdict, domain, selector, prefix, key.reason);
            }
            if (key.record.algorithm() != algorithm) {
                return new Verdict(Result.PERMERROR, domain, selector, prefix, "a=" + algorithm.tag() + " with a key of type "
                    + key.record.algorithm().keyType());
            }
            ByteArrayOutputStream data = new ByteArrayOutputStream(4096);
            data.writeBytes(DkimSigner.canonicalSignedFields(fields, names, relaxedHeader));
            canonical(withEmptySignature(signature.rawBytes()), relaxedHeader, false, data);
            boolean valid = key.record.verifies(data.toByteArray(), Base64.getDecoder().decode(b));
            return new Verdict(valid ? Result.PASS : Result.FAIL, domain, selector, prefix,
                valid ? "" : "signature did not verify");
        } catch (IllegalArgumentException e) {
            // Bad base64, numbers, algorithm, canonicalisation or key: the signature cannot be checked.
            return new Verdict(Result.PERMERROR, domain, selector, prefix, e.getMessage());
        }
    }

    /** A key record looked up: the record, or the verdict the look-up forces. */
    static final class KeyLookup {
        final KeyRecord record;
        final Result verdict;
        final String reason;

        private KeyLookup(KeyRecord record, Result verdict, String reason) {
            this.record = record;
            this.verdict = verdict;
            this.reason = reason;
        }
    }

    /** §6.1.2: no record is permerror, a DNS failure temperror, several records: the first usable one. */
    static KeyLookup key(TxtLookup dns, String selector, String domain) {
        String name = selector + KeyName.DOMAINKEY + domain;
        TxtAnswer answer = dns.txt(name);
        if (answer.kind() == TxtAnswer.Kind.TEMPORARY_FAILURE) {
            return new KeyLookup(null, Result.TEMPERROR, "key " + name + ": " + answer.failure());
        }
        if (answer.kind() == TxtAnswer.Kind.NONE) {
            return new KeyLookup(null, Result.PERMERROR, "no key record at " + name);
        }
        String problem = "";
        for (String text : answer.records()) {
            try {
                return new KeyLookup(KeyRecord.parse(text), null, "");
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
        }
        return new KeyLookup(null, Result.PERMERROR, "key " + name + ": " + problem);
    }

    static DkimAlgorithm algorithm(String tag) {
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            if (algorithm.tag().equalsIgnoreCase(tag)) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException(tag.equalsIgnoreCase("rsa-sha1")
            ? "a=rsa-sha1 is not accepted (RFC 8301)" : "unknown algorithm a=" + tag);
    }

    private static boolean relaxed(String canonicalization) {
        if (canonicalization.equals("relaxed")) {
            return true;
        }
        if (canonicalization.equals("simple")) {
            return false;
        }
        throw new IllegalArgumentException("unknown canonicalization " + canonicalization);
    }

    /** A field in simple (as it is) or relaxed form, with or without its final CRLF. */
    static void canonical(byte[] raw, boolean relaxed, boolean withCrlf, ByteArrayOutputStream out) {
        byte[] field = DkimSigner.withoutLineEnding(raw);
        if (relaxed) {
            RelaxedCanonicalization.header(field, withCrlf, out);
            return;
        }
        out.writeBytes(field);
        if (withCrlf) {
            out.write('\r');
            out.write('\n');
        }
    }

    /** The field with the value of its {@code b=} tag removed, every other byte kept (§3.7). */
    static byte[] withEmptySignature(byte[] raw) {
        String field = latin1(raw);
        int colon = field.indexOf(':');
        String value = B_TAG.matcher(field.substring(colon + 1)).replaceFirst("$1$2");
        return (field.substring(0, colon + 1) + value).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One char per byte: tags are ASCII, and a stray 8-bit byte must come back as the same byte. */
    static String latin1(byte[] bytes) {
        return new String(Objects.requireNonNull(bytes), StandardCharsets.ISO_8859_1);
    }
}
