package org.t2trewrite.dkim;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which JCA provider makes {@code rsa-sha256} signatures ({@code SHA256withRSA},
 * RSASSA-PKCS1-v1_5): Amazon Corretto Crypto Provider (ACCP, native AWS-LC, about 30% less
 * CPU per RSA-2048-signed mail) or the JDK's default. Decided once, by {@link #choose}, when the
 * mailet starts; {@link #bind} then prepares each RSA key for that provider once, when the key
 * folder is read, not once per mail.
 *
 * <p>ACCP is used only when its class loads, its native library loaded
 * ({@code getLoadingError()} is null) and a signature it makes with a freshly generated RSA-2048
 * key verifies with the JDK's default provider and equals the JDK's signature byte for byte
 * (RSASSA-PKCS1-v1_5 is deterministic). This guards against a broken or mismatched native
 * library; each key bound to ACCP passes the same check with that key.
 *
 * <p>Does not install ACCP as a JVM-wide provider ({@code Security.insertProviderAt}): only our
 * {@code Signature.getInstance("SHA256withRSA", provider)} calls use it, and TLS and everything
 * else in James keep the JDK's providers. Does not touch Ed25519, which Bouncy Castle signs.
 *
 * <p>Immutable and thread safe; holds no static state.
 */
public final class RsaSigning {
    static final String ALGORITHM = "SHA256withRSA";
    private static final Logger LOGGER = LoggerFactory.getLogger(RsaSigning.class);
    private static final byte[] PROBE = "t2t-rewrite DKIM rsa-sha256 provider self-test".getBytes(StandardCharsets.US_ASCII);
    private static final int PROBE_KEY_BITS = 2048;

    /** The values of the mailet's {@code rsaProvider} parameter. */
    public enum Choice {
        /** ACCP when it is usable, else the JDK's default provider. */
        AUTO,
        /** Always the JDK's default provider; ACCP is not even loaded. */
        JDK,
        /** ACCP, or an error that stops start-up. */
        ACCP;

        /**
         * @throws IllegalArgumentException naming the value when it is none of
         *         {@code auto}, {@code jdk}, {@code accp} (case and surrounding blanks ignored)
         */
        public static Choice parse(String value) {
            String normalised = value.trim().toLowerCase(Locale.ROOT);
            for (Choice choice : values()) {
                if (choice.value().equals(normalised)) {
                    return choice;
                }
            }
            throw new IllegalArgumentException("must be 'auto', 'jdk' or 'accp', not '" + value + "'");
        }

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Provider provider;
    private final Provider jdk;
    private final boolean accp;
    private final boolean accpRequired;
    private final String description;

    private RsaSigning(Provider provider, Provider jdk, boolean accp, boolean accpRequired, String description) {
        this.provider = provider;
        this.jdk = jdk;
        this.accp = accp;
        this.accpRequired = accpRequired;
        this.description = description;
    }

    /** The JDK's default {@code SHA256withRSA} provider (normally {@code SunRsaSign}). */
    public static RsaSigning jdk() {
        Provider jdk = jdkDefault();
        return new RsaSigning(jdk, jdk, false, false, "the JDK's " + jdk.getName());
    }

    /**
     * Decides which provider signs.
     *
     * @param accpCandidate loads ACCP's provider, or throws (any {@link RuntimeException} or
     *        {@link LinkageError}) saying why it cannot; called at most once, not for {@code jdk}
     * @throws IllegalStateException for {@link Choice#ACCP} when ACCP is not usable, with the
     *         reason (the loading error, or the failed self-test)
     */
    public static RsaSigning choose(Choice choice, Supplier<Provider> accpCandidate) {
        Objects.requireNonNull(choice, "choice");
        Objects.requireNonNull(accpCandidate, "accpCandidate");
        Provider jdk = jdkDefault();
        if (choice == Choice.JDK) {
            return new RsaSigning(jdk, jdk, false, false, "the JDK's " + jdk.getName() + " (rsaProvider=jdk)");
        }
        Provider candidate;
        try {
            candidate = Objects.requireNonNull(accpCandidate.get(), "ACCP candidate");
            selfTest(candidate, jdk);
        } catch (RuntimeException | LinkageError e) {
            // A LinkageError's class says what happened (NoClassDefFoundError: ACCP is not on the class path).
            String reason = "ACCP is not usable: " + (e instanceof LinkageError || e.getMessage() == null ? e.toString() : e.getMessage());
            if (choice == Choice.ACCP) {
                throw new IllegalStateException(reason, e);
            }
            return new RsaSigning(jdk, jdk, false, false, "the JDK's " + jdk.getName() + " (rsaProvider=auto; " + reason + ")");
        }
        return new RsaSigning(candidate, jdk, true, choice == Choice.ACCP,
            candidate.getName() + " " + candidate.getVersionStr() + " (rsaProvider=" + choice.value() + ")");
    }

    private static Provider jdkDefault() {
        try {
            return Signature.getInstance(ALGORITHM).getProvider();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot sign " + ALGORITHM, e);
        }
    }

    /** A signature by {@code candidate} with a fresh key must verify with, and equal, the JDK's. */
    private static void selfTest(Provider candidate, Provider jdk) {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(PROBE_KEY_BITS);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate the self-test key", e);
        }
        PrivateKey translated = translate(candidate, (RSAPrivateKey) pair.getPrivate());
        check(candidate, translated, jdk, (RSAPrivateKey) pair.getPrivate(), Optional.of(pair.getPublic()));
    }

    /**
     * The key ready for this provider's {@code SHA256withRSA}. For ACCP the key is translated to
     * ACCP's own key class here, once: a JDK key handed to ACCP's {@code Signature} would be
     * parsed into native memory again on every signature. A key ACCP cannot take, or signs
     * differently from the JDK, signs with the JDK instead (logged at WARN) under
     * {@code rsaProvider=auto}; under {@code accp} it is an error.
     *
     * @param name how to name the key in messages (never key material)
     * @throws IllegalArgumentException under {@code rsaProvider=accp}, when ACCP cannot sign with
     *         the key or its signature differs from the JDK's
     */
    Bound bind(String name, RSAPrivateKey key) {
        Objects.requireNonNull(key, "key");
        if (!accp) {
            return new Bound(provider, key);
        }
        try {
            PrivateKey translated = translate(provider, key);
            check(provider, translated, jdk, key, publicKey(key));
            return new Bound(provider, translated);
        } catch (RuntimeException e) {
            if (accpRequired) {
                throw new IllegalArgumentException(provider.getName() + " cannot sign with " + name + " (rsaProvider=accp): " + e, e);
            }
            LOGGER.warn("DKIM key {} signs with the JDK's {}: {} cannot sign with it ({})", name, jdk.getName(), provider.getName(), e.toString());
            return new Bound(jdk, key);
        }
    }

    /**
     * Through {@code generatePrivate}, not {@code translateKey}: ACCP marks a translated key
     * ephemeral and destroys it when a {@code Signature} that used it is initialised with
     * another key, which would break every later signature with this shared key.
     */
    private static PrivateKey translate(Provider provider, RSAPrivateKey key) {
        try {
            return KeyFactory.getInstance("RSA", provider).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(provider.getName() + " does not accept the RSA key", e);
        }
    }

    private static void check(Provider provider, PrivateKey providerKey, Provider jdk, RSAPrivateKey jdkKey, Optional<PublicKey> publicKey) {
        try {
            byte[] signature = sign(provider, providerKey, PROBE);
            if (!Arrays.equals(signature, sign(jdk, jdkKey, PROBE))) {
                throw new IllegalStateException(provider.getName() + "'s self-test signature differs from " + jdk.getName() + "'s");
            }
            if (publicKey.isPresent()) {
                Signature verifier = Signature.getInstance(ALGORITHM, jdk);
                verifier.initVerify(publicKey.get());
                verifier.update(PROBE);
                if (!verifier.verify(signature)) {
                    throw new IllegalStateException(provider.getName() + "'s self-test signature does not verify with " + jdk.getName());
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(provider.getName() + "'s self-test failed", e);
        }
    }

    private static Optional<PublicKey> publicKey(RSAPrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey)) {
            return Optional.empty();
        }
        BigInteger exponent = ((RSAPrivateCrtKey) key).getPublicExponent();
        try {
            return Optional.of(KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(key.getModulus(), exponent)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the public key", e);
        }
    }

    private static byte[] sign(Provider provider, PrivateKey key, byte[] data) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(ALGORITHM, provider);
        signature.initSign(key);
        signature.update(data);
        return signature.sign();
    }

    /** The provider that signs; for ACCP, a key {@link #bind} cannot take still signs with the JDK's. */
    public Provider provider() {
        return provider;
    }

    public boolean isAccp() {
        return accp;
    }

    /** One line for the start-up log: the provider and, for a fallback, why. */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }

    /**
     * An RSA private key prepared for one provider. Thread safe: every signature gets its own
     * {@code Signature}; ACCP's keys take concurrent use (a read lock around the native key).
     */
    static final class Bound {
        private final Provider provider;
        private final PrivateKey key;

        private Bound(Provider provider, PrivateKey key) {
            this.provider = provider;
            this.key = key;
        }

        /**
         * A fresh {@code Signature} per call: never re-initialise one with another key (see
         * {@link RsaSigning#translate}).
         */
        byte[] sign(byte[] data) throws GeneralSecurityException {
            return RsaSigning.sign(provider, key, data);
        }

        Provider provider() {
            return provider;
        }
    }
}
