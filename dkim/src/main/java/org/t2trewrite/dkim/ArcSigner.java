package org.t2trewrite.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.t2trewrite.core.Domain;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;

import com.google.common.collect.ImmutableList;

/**
 * Makes the ARC set (RFC 8617 §4.1, §5.1) an intermediary adds to a message it changed:
 * {@code ARC-Authentication-Results} with what it verified before the change, an
 * {@code ARC-Message-Signature} over the message as it leaves (DKIM's tags, relaxed/relaxed,
 * SHA-256, with {@code i=} for {@code v=}), and an {@code ARC-Seal} over the chain: every earlier
 * set, AAR, AMS, AS in instance order, then its own AAR and AMS (relaxed header canonicalisation,
 * no {@code h=}), or, for a chain that failed, its own set only (§5.1.2).
 *
 * <p>The three fields are returned top to bottom as they are to be prepended: ARC-Seal,
 * ARC-Message-Signature, ARC-Authentication-Results, each ending in CRLF. The AMS never covers
 * ARC-Seal or Authentication-Results fields (§4.1.2; {@link #checkSignedHeaders}).
 *
 * <p>Pure: no I/O, no mail API; reuses {@link DkimSigner}'s canonicalisation and signing. Thread
 * safe. Does not decide whether to seal or with what cv=: the caller validated the chain
 * ({@link ArcChain}) before changing the message.
 */
final class ArcSigner {
    /**
     * What an ARC-Message-Signature covers by default: the DKIM defaults ({@link SignedHeaders#DEFAULT})
     * and the DKIM-Signature fields, so that the seal also vouches for the signatures it carries.
     */
    static final List<String> DEFAULT_SIGNED_HEADERS = ImmutableList.<String>builder()
        .addAll(SignedHeaders.DEFAULT).add("DKIM-Signature").build();

    private final SignedHeaders signedHeaders;

    ArcSigner(SignedHeaders signedHeaders) {
        this.signedHeaders = Objects.requireNonNull(signedHeaders, "signedHeaders");
    }

    /**
     * @throws IllegalArgumentException when a name may not be covered by an ARC-Message-Signature
     */
    static List<String> checkSignedHeaders(List<String> names) {
        for (String name : names) {
            String lower = name.trim().toLowerCase(Locale.ROOT);
            if (lower.equals("arc-seal") || lower.equals("authentication-results")) {
                throw new IllegalArgumentException("an ARC-Message-Signature must not cover " + name + " (RFC 8617 §4.1.2)");
            }
        }
        return names;
    }

    /**
     * @param fields the message's header fields as it leaves, earlier ARC sets included
     * @param body the body as it travels, lines ending in CRLF
     * @param instance the new set's {@code i=}: one above the newest present
     * @param earlier the chain's sets before this one, in instance order; empty for a chain that
     *        failed (the seal then covers this set only) or for the first set
     * @param authenticationResults the AAR value after {@code i=N;}: authserv-id, then results
     * @param cv the chain's status before this set
     */
    List<byte[]> seal(HeaderSection fields, byte[] body, int instance, List<ArcChain.Set> earlier,
                      String authenticationResults, ArcChain.Status cv, DkimKey key, Instant timestamp) {
        if (instance < 1 || instance > ArcChain.MAX_INSTANCES) {
            throw new IllegalArgumentException("ARC instance " + instance + " is outside 1.." + ArcChain.MAX_INSTANCES);
        }
        Domain domain = key.name().domain();
        byte[] aar = authenticationResultsField(instance, authenticationResults);
        String bodyHash = Base64.getEncoder().encodeToString(RelaxedCanonicalization.bodyHash(body));
        List<String> names = signedHeaders.select(fields);
        byte[] ams = DkimSigner.signatureField(ArcChain.MESSAGE_SIGNATURE, "i=" + instance,
            DkimSigner.canonicalSignedFields(fields, names), names, bodyHash, domain, key, timestamp);
        ByteArrayOutputStream data = ArcChain.sealedData(earlier, HeaderField.parse(aar), HeaderField.parse(ams));
        String unsignedSeal = ArcChain.SEAL + ": i=" + instance + "; a=" + key.algorithm().tag() + "; t="
            + timestamp.getEpochSecond() + "; cv=" + cv.word() + ";" + DkimSigner.FOLD + "d=" + domain.key()
            + "; s=" + key.name().selector().value() + ";" + DkimSigner.FOLD + "b=";
        byte[] seal = DkimSigner.signed(unsignedSeal, data, key);
        List<byte[]> set = new ArrayList<>(3);
        set.add(seal);
        set.add(ams);
        set.add(aar);
        return set;
    }

    /** {@code ARC-Authentication-Results: i=N; payload}, folded before each result (after ";"). */
    static byte[] authenticationResultsField(int instance, String payload) {
        StringBuilder field = new StringBuilder(ArcChain.AUTHENTICATION_RESULTS).append(": i=").append(instance).append(';');
        String[] parts = payload.split(";");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                continue;
            }
            field.append(i == 0 ? " " : DkimSigner.FOLD).append(part).append(i < parts.length - 1 ? ";" : "");
        }
        return field.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }
}
