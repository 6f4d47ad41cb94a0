package org.t2trewrite.dkim;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;

/**
 * The ARC sets (RFC 8617 §4.1) a message carries, and their validation (§5.2): the chain status an
 * ARC sealer records in the {@code cv=} of the set it adds.
 *
 * <p>Validation: no ARC field at all is {@code none}; otherwise every instance 1..N (N at most 50)
 * has exactly one ARC-Authentication-Results, ARC-Message-Signature and ARC-Seal, the newest seal
 * does not say {@code cv=fail}, seal 1 says {@code cv=none} and the others {@code cv=pass}, the
 * newest ARC-Message-Signature verifies ({@link SignatureCheck}), and every ARC-Seal verifies over
 * the sets up to its own: then {@code pass}, else {@code fail} with the reason. Older
 * ARC-Message-Signatures are not checked (§5.2 makes that optional: earlier hops changed the
 * message). A key look-up that fails temporarily makes the chain {@code fail} with a reason that
 * says so ({@link #temporary()}): cv= has no temperror.
 *
 * <p>Immutable; pure apart from the key look-ups.
 */
final class ArcChain {
    /** The cv= values (§4.1.3). */
    enum Status {
        NONE, PASS, FAIL;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status parse(String word) {
            return Status.valueOf(word.trim().toUpperCase(Locale.ROOT));
        }
    }

    static final String SEAL = "ARC-Seal";
    static final String MESSAGE_SIGNATURE = "ARC-Message-Signature";
    static final String AUTHENTICATION_RESULTS = "ARC-Authentication-Results";
    static final int MAX_INSTANCES = 50;
    private static final Pattern AAR_INSTANCE = Pattern.compile("^[ \\t\\r\\n]*i[ \\t\\r\\n]*=[ \\t\\r\\n]*([0-9]+)[ \\t\\r\\n]*;");

    /** One instance's three fields. */
    static final class Set {
        private final int instance;
        private final HeaderField authenticationResults;
        private final HeaderField messageSignature;
        private final HeaderField seal;

        Set(int instance, HeaderField authenticationResults, HeaderField messageSignature, HeaderField seal) {
            this.instance = instance;
            this.authenticationResults = authenticationResults;
            this.messageSignature = messageSignature;
            this.seal = seal;
        }

        int instance() {
            return instance;
        }

        HeaderField authenticationResults() {
            return authenticationResults;
        }

        HeaderField messageSignature() {
            return messageSignature;
        }

        HeaderField seal() {
            return seal;
        }

        TagList sealTags() {
            return TagList.parse(SignatureCheck.latin1(seal.valueBytes()));
        }

        /** The ARC-Authentication-Results value after {@code i=N;}: authserv-id and results. */
        String authenticationResultsPayload() {
            String value = SignatureCheck.latin1(authenticationResults.valueBytes());
            Matcher matcher = AAR_INSTANCE.matcher(value);
            return matcher.find() ? value.substring(matcher.end()).trim() : value.trim();
        }
    }

    private final Status status;
    private final List<Set> sets;
    private final String reason;
    private final boolean temporary;

    private ArcChain(Status status, List<Set> sets, String reason, boolean temporary) {
        this.status = status;
        this.sets = sets;
        this.reason = reason;
        this.temporary = temporary;
    }

    /** The chain's sets as found, without verifying anything; empty when they are not well formed. */
    static List<Set> sets(HeaderSection fields) {
        try {
            return structure(fields);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /** Validates the chain of a message (§5.2). */
    static ArcChain validate(HeaderSection fields, byte[] body, TxtLookup dns, Instant now) {
        List<Set> sets;
        try {
            sets = structure(fields);
        } catch (IllegalArgumentException e) {
            return new ArcChain(Status.FAIL, List.of(), e.getMessage(), false);
        }
        if (sets.isEmpty()) {
            return new ArcChain(Status.NONE, sets, "", false);
        }
        Set newest = sets.get(sets.size() - 1);
        try {
            for (Set set : sets) {
                String cv = set.sealTags().require("cv").toLowerCase(Locale.ROOT);
                String expected = set.instance() == 1 ? "none" : "pass";
                if (set == newest && cv.equals("fail")) {
                    return new ArcChain(Status.FAIL, sets, "the chain already failed (i=" + set.instance() + " cv=fail)", false);
                }
                if (!cv.equals(expected)) {
                    return new ArcChain(Status.FAIL, sets, "ARC-Seal i=" + set.instance() + " has cv=" + cv, false);
                }
            }
        } catch (IllegalArgumentException e) {
            return new ArcChain(Status.FAIL, sets, "ARC-Seal: " + e.getMessage(), false);
        }
        SignatureCheck.Verdict ams = SignatureCheck.arcMessageSignature(fields, body, newest.messageSignature(), dns, now);
        if (ams.result() != SignatureCheck.Result.PASS) {
            return new ArcChain(Status.FAIL, sets, "ARC-Message-Signature i=" + newest.instance() + ": " + ams,
                ams.result() == SignatureCheck.Result.TEMPERROR);
        }
        for (int i = sets.size() - 1; i >= 0; i--) {
            SealCheck seal = verifySeal(sets.subList(0, i + 1), dns);
            if (!seal.reason.isEmpty()) {
                return new ArcChain(Status.FAIL, sets, "ARC-Seal i=" + sets.get(i).instance() + ": " + seal.reason, seal.temporary);
            }
        }
        return new ArcChain(Status.PASS, sets, "", false);
    }

    private static final class SealCheck {
        private final String reason;
        private final boolean temporary;

        private SealCheck(String reason, boolean temporary) {
            this.reason = reason;
            this.temporary = temporary;
        }
    }

    private static SealCheck verifySeal(List<Set> upTo, TxtLookup dns) {
        Set set = upTo.get(upTo.size() - 1);
        try {
            TagList tags = set.sealTags();
            DkimAlgorithm algorithm = SignatureCheck.algorithm(tags.require("a"));
            if (tags.has("h")) {
                return new SealCheck("an ARC-Seal must not have h= (RFC 8617 §4.1.3)", false);
            }
            SignatureCheck.KeyLookup key = SignatureCheck.key(dns, tags.require("s").toLowerCase(Locale.ROOT),
                tags.require("d").toLowerCase(Locale.ROOT));
            if (key.verdict != null) {
                return new SealCheck(key.reason, key.verdict == SignatureCheck.Result.TEMPERROR);
            }
            if (key.record.algorithm() != algorithm) {
                return new SealCheck("a=" + algorithm.tag() + " with a key of type " + key.record.algorithm().keyType(), false);
            }
            ByteArrayOutputStream data = sealedData(upTo.subList(0, upTo.size() - 1), set.authenticationResults(),
                set.messageSignature());
            SignatureCheck.canonical(SignatureCheck.withEmptySignature(set.seal().rawBytes()), true, false, data);
            boolean valid = key.record.verifies(data.toByteArray(), Base64.getDecoder().decode(tags.require("b")));
            return new SealCheck(valid ? "" : "signature did not verify", false);
        } catch (IllegalArgumentException e) {
            return new SealCheck(e.getMessage(), false);
        }
    }

    /**
     * §5.1.1: what an ARC-Seal signs, before its own field: every earlier set (AAR, AMS, AS in that
     * order, relaxed, each with CRLF), then its own AAR and AMS.
     */
    static ByteArrayOutputStream sealedData(List<Set> earlier, HeaderField authenticationResults, HeaderField messageSignature) {
        ByteArrayOutputStream data = new ByteArrayOutputStream(4096);
        for (Set set : earlier) {
            SignatureCheck.canonical(set.authenticationResults().rawBytes(), true, true, data);
            SignatureCheck.canonical(set.messageSignature().rawBytes(), true, true, data);
            SignatureCheck.canonical(set.seal().rawBytes(), true, true, data);
        }
        SignatureCheck.canonical(authenticationResults.rawBytes(), true, true, data);
        SignatureCheck.canonical(messageSignature.rawBytes(), true, true, data);
        return data;
    }

    /**
     * @throws IllegalArgumentException when instances are missing, duplicated, out of 1..50, or a
     *         field has no readable {@code i=}
     */
    private static List<Set> structure(HeaderSection fields) {
        TreeMap<Integer, HeaderField[]> byInstance = new TreeMap<>();
        String[] names = {AUTHENTICATION_RESULTS, MESSAGE_SIGNATURE, SEAL};
        for (int kind = 0; kind < names.length; kind++) {
            for (HeaderField field : fields.fields(names[kind])) {
                int instance = instance(field, kind == 0);
                HeaderField[] set = byInstance.computeIfAbsent(instance, i -> new HeaderField[3]);
                if (set[kind] != null) {
                    throw new IllegalArgumentException("two " + names[kind] + " fields with i=" + instance);
                }
                set[kind] = field;
            }
        }
        List<Set> sets = new ArrayList<>(byInstance.size());
        int expected = 1;
        for (Map.Entry<Integer, HeaderField[]> entry : byInstance.entrySet()) {
            int instance = entry.getKey();
            if (instance != expected || instance > MAX_INSTANCES) {
                throw new IllegalArgumentException("ARC instance i=" + expected + " is missing or i=" + instance + " is out of range");
            }
            HeaderField[] set = entry.getValue();
            for (int kind = 0; kind < names.length; kind++) {
                if (set[kind] == null) {
                    throw new IllegalArgumentException("ARC set i=" + instance + " has no " + names[kind]);
                }
            }
            sets.add(new Set(instance, set[0], set[1], set[2]));
            expected++;
        }
        return sets;
    }

    private static int instance(HeaderField field, boolean authenticationResults) {
        String value = SignatureCheck.latin1(field.valueBytes());
        try {
            if (authenticationResults) {
                Matcher matcher = AAR_INSTANCE.matcher(value);
                if (!matcher.find()) {
                    throw new IllegalArgumentException("an ARC-Authentication-Results field does not start with i=");
                }
                return Integer.parseInt(matcher.group(1));
            }
            return Integer.parseInt(TagList.parse(value).require("i"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field.name() + " has a bad i= (" + e.getMessage() + ")", e);
        }
    }

    Status status() {
        return status;
    }

    List<Set> sets() {
        return sets;
    }

    /**
     * The instance the next set takes: one above the highest {@code i=} of any ARC field present
     * (readable or not), 1 when there is none.
     */
    static int nextInstance(HeaderSection fields) {
        int highest = 0;
        for (String name : new String[] {AUTHENTICATION_RESULTS, MESSAGE_SIGNATURE, SEAL}) {
            for (HeaderField field : fields.fields(name)) {
                try {
                    highest = Math.max(highest, instance(field, name.equals(AUTHENTICATION_RESULTS)));
                } catch (IllegalArgumentException e) {
                    // an unreadable i= does not take a number
                }
            }
        }
        return highest + 1;
    }

    Optional<Set> newest() {
        return sets.isEmpty() ? Optional.empty() : Optional.of(sets.get(sets.size() - 1));
    }

    /** Why the chain failed; empty unless it did. */
    String reason() {
        return reason;
    }

    /** Whether it failed only because a key could not be looked up (DNS), not because it is wrong. */
    boolean temporary() {
        return temporary;
    }
}
