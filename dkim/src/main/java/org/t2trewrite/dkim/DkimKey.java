package org.t2trewrite.dkim;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * One private signing key with its name (domain and selector). Signs the canonicalised header
 * data of a DKIM signature and can state the public key record to publish.
 *
 * <p>An RSA key signs with the provider {@link RsaSigning} chose ({@link #signingWith}); made
 * by {@link #rsa} it signs with the JDK's default provider.
 *
 * <p>{@link #toString()} names the key and its algorithm and never shows key material. Thread
 * safe: every signature gets its own signer object.
 */
public final class DkimKey {
    private final KeyName name;
    private final DkimAlgorithm algorithm;
    private final RSAPrivateKey rsaKey;
    private final RsaSigning.Bound rsaSigner;
    private final Ed25519PrivateKeyParameters ed25519Key;

    private DkimKey(KeyName name, DkimAlgorithm algorithm, RSAPrivateKey rsaKey, RsaSigning.Bound rsaSigner,
                    Ed25519PrivateKeyParameters ed25519Key) {
        this.name = name;
        this.algorithm = algorithm;
        this.rsaKey = rsaKey;
        this.rsaSigner = rsaSigner;
        this.ed25519Key = ed25519Key;
    }

    /** An RSA key that signs with the JDK's default provider. */
    public static DkimKey rsa(KeyName name, RSAPrivateKey key) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        return new DkimKey(name, DkimAlgorithm.RSA_SHA256, key, RsaSigning.jdk().bind(name.toString(), key), null);
    }

    public static DkimKey ed25519(KeyName name, Ed25519PrivateKeyParameters key) {
        return new DkimKey(Objects.requireNonNull(name, "name"), DkimAlgorithm.ED25519_SHA256, null, null, Objects.requireNonNull(key, "key"));
    }

    /**
     * This key signing RSA with {@code signing}'s provider, the key prepared for it once here
     * ({@link RsaSigning#bind}); an Ed25519 key is returned as it is.
     *
     * @throws IllegalArgumentException under {@code rsaProvider=accp} when ACCP cannot sign with
     *         this key
     */
    public DkimKey signingWith(RsaSigning signing) {
        if (rsaKey == null) {
            return this;
        }
        return new DkimKey(name, algorithm, rsaKey, signing.bind(toString(), rsaKey), null);
    }

    /** The provider that makes this key's RSA signatures; empty for Ed25519. */
    public Optional<Provider> rsaProvider() {
        return rsaSigner == null ? Optional.empty() : Optional.of(rsaSigner.provider());
    }

    public KeyName name() {
        return name;
    }

    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    /** The key size in bits: the RSA modulus length, or 256 for Ed25519. */
    public int bits() {
        return rsaKey != null ? rsaKey.getModulus().bitLength() : 256;
    }

    /**
     * Signs the canonicalised header data (RFC 6376 §3.7). For Ed25519, RFC 8463 §3 signs the
     * SHA-256 hash of that data, not the data itself.
     */
    public byte[] sign(byte[] headerData) {
        try {
            if (rsaSigner != null) {
                return rsaSigner.sign(headerData);
            }
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, ed25519Key);
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(headerData);
            signer.update(hash, 0, hash.length);
            return signer.generateSignature();
        } catch (GeneralSecurityException e) {
            // The key was validated at load time; a failure here is a broken JVM, not bad input.
            throw new IllegalStateException("cannot sign with " + this, e);
        }
    }

    /**
     * Makes one signature over a fixed text and verifies it with the key's own public key (with
     * the JDK's verifier, whichever provider signs): a key file that parses but cannot sign, such
     * as one whose CRT parameters were damaged, is refused when it is read instead of failing
     * every mail of its domain later.
     *
     * @throws IllegalArgumentException when no signature can be made or it does not verify
     */
    public void checkSigns() {
        byte[] data = "t2t-rewrite DKIM key check".getBytes(StandardCharsets.US_ASCII);
        boolean valid;
        try {
            byte[] signature = sign(data);
            if (rsaKey != null) {
                if (!(rsaKey instanceof RSAPrivateCrtKey)) {
                    return;
                }
                Signature verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(rsaPublicKey());
                verifier.update(data);
                valid = verifier.verify(signature);
            } else {
                Ed25519Signer verifier = new Ed25519Signer();
                verifier.init(false, ed25519Key.generatePublicKey());
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
                verifier.update(hash, 0, hash.length);
                valid = verifier.verifySignature(signature);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("cannot sign with this key (" + e.getMessage() + ")", e);
        }
        if (!valid) {
            throw new IllegalArgumentException("a test signature does not verify with the key's own public key: the key is damaged");
        }
    }

    /**
     * The public key as the {@code p=} tag carries it: for RSA the base64 DER
     * SubjectPublicKeyInfo (RFC 6376 §3.6.1), for Ed25519 the base64 of the raw 32-byte public
     * key (RFC 8463 §4).
     */
    public String publicKeyBase64() {
        if (rsaKey != null) {
            return Base64.getEncoder().encodeToString(rsaPublicKey().getEncoded());
        }
        return Base64.getEncoder().encodeToString(ed25519Key.generatePublicKey().getEncoded());
    }

    /** The TXT record to publish at {@link KeyName#recordName()}, as one string. */
    public String publicKeyRecord() {
        return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + publicKeyBase64();
    }

    private PublicKey rsaPublicKey() {
        if (!(rsaKey instanceof RSAPrivateCrtKey)) {
            throw new IllegalStateException(this + " carries no public exponent");
        }
        BigInteger exponent = ((RSAPrivateCrtKey) rsaKey).getPublicExponent();
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsaKey.getModulus(), exponent));
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("cannot derive the public key of " + this, e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + algorithm.tag() + ", " + bits() + " bits)";
    }
}
