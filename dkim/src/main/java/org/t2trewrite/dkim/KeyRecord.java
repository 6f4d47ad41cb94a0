package org.t2trewrite.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A DKIM public key record (RFC 6376 §3.6.1; RFC 8463 for {@code k=ed25519}), as published at
 * {@code <selector>._domainkey.<domain>} for DKIM and ARC alike, and the signature check with it.
 *
 * <p>Does not fetch anything ({@link TxtLookup} does) and accepts only SHA-256 signatures: RFC 8301
 * forbids verifiers to accept {@code rsa-sha1}.
 */
final class KeyRecord {
    private final DkimAlgorithm algorithm;
    private final byte[] publicKey;

    private KeyRecord(DkimAlgorithm algorithm, byte[] publicKey) {
        this.algorithm = algorithm;
        this.publicKey = publicKey;
    }

    /**
     * @throws IllegalArgumentException saying why when the record is not a usable key: syntax,
     *         an unknown {@code k=}, a revoked key (empty {@code p=}), {@code h=} without sha256
     */
    static KeyRecord parse(String record) {
        TagList tags = TagList.parse(record);
        Optional<String> version = tags.get("v");
        if (version.isPresent() && !version.get().equals("DKIM1")) {
            throw new IllegalArgumentException("v=" + version.get() + " is not DKIM1");
        }
        String keyType = tags.get("k").orElse("rsa").toLowerCase(Locale.ROOT);
        DkimAlgorithm algorithm;
        if (keyType.equals("rsa")) {
            algorithm = DkimAlgorithm.RSA_SHA256;
        } else if (keyType.equals("ed25519")) {
            algorithm = DkimAlgorithm.ED25519_SHA256;
        } else {
            throw new IllegalArgumentException("key type k=" + keyType + " is not rsa or ed25519");
        }
        Optional<String> hashes = tags.get("h");
        if (hashes.isPresent() && !SignedHeaders.parseList(hashes.get().toLowerCase(Locale.ROOT)).contains("sha256")) {
            throw new IllegalArgumentException("the key allows h=" + hashes.get() + ", not sha256");
        }
        String p = tags.require("p");
        if (p.isEmpty()) {
            throw new IllegalArgumentException("the key is revoked (empty p=)");
        }
        try {
            return new KeyRecord(algorithm, Base64.getDecoder().decode(p));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("p= is not base64", e);
        }
    }

    DkimAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * Whether {@code signature} is this key's signature of {@code headerData} (for Ed25519, RFC
     * 8463 §3: of its SHA-256 hash).
     *
     * @throws IllegalArgumentException when the key bytes are not a key of its type
     */
    boolean verifies(byte[] headerData, byte[] signature) {
        try {
            if (algorithm == DkimAlgorithm.RSA_SHA256) {
                PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(publicKey));
                Signature verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(key);
                verifier.update(headerData);
                return verifier.verify(signature);
            }
            if (publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE) {
                throw new IllegalArgumentException("an ed25519 key has 32 octets, this one " + publicKey.length);
            }
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(headerData);
            verifier.update(hash, 0, hash.length);
            return verifier.verifySignature(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the key cannot verify (" + e.getMessage() + ")", e);
        }
    }
}
