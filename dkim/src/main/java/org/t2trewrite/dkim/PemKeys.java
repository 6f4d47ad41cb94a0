package org.t2trewrite.dkim;

import java.io.IOException;
import java.io.Reader;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads one private key from PEM: RSA as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, what
 * {@code openssl genrsa} wrote before OpenSSL 3) or PKCS#8 ({@code BEGIN PRIVATE KEY}), and
 * Ed25519 as PKCS#8 (what {@code openssl genpkey -algorithm ed25519} writes, RFC 8410).
 *
 * <p>Rejects, with a message naming the source and never quoting key material: encrypted keys
 * (the relay has nobody to ask for a passphrase), other key types (EC, DSA), certificates and
 * public keys, and RSA keys under {@value #MIN_RSA_BITS} bits (RFC 8301 §3.2).
 */
public final class PemKeys {
    /** RFC 8301 §3.2: verifiers must not consider signatures with smaller RSA keys valid. */
    public static final int MIN_RSA_BITS = 1024;
    /** RFC 8301 §3.2: signers should use at least this many bits. */
    public static final int RECOMMENDED_RSA_BITS = 2048;
    private static final int ED25519_SEED_BYTES = 32;

    private PemKeys() {
    }

    /**
     * @param source how to name the key in error messages (the file path)
     * @throws IllegalArgumentException naming {@code source} when the PEM is not an acceptable
     *         private key
     */
    public static DkimKey read(KeyName name, String source, Reader pem) {
        Object object;
        try (PEMParser parser = new PEMParser(pem)) {
            object = parser.readObject();
        } catch (IOException | RuntimeException e) {
            // BC's messages describe the structure, never the key bytes.
            throw new IllegalArgumentException(source + ": not a readable PEM private key (" + e.getMessage() + ")", e);
        }
        return fromInfo(name, source, privateKeyInfo(source, object));
    }

    private static PrivateKeyInfo privateKeyInfo(String source, Object object) {
        if (object == null) {
            throw new IllegalArgumentException(source + ": no PEM object found (expected BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
        }
        if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new IllegalArgumentException(source + ": encrypted private keys are not supported; store the key unencrypted with mode 0600");
        }
        if (object instanceof PEMKeyPair) {
            return ((PEMKeyPair) object).getPrivateKeyInfo();
        }
        if (object instanceof PrivateKeyInfo) {
            return (PrivateKeyInfo) object;
        }
        throw new IllegalArgumentException(source + ": expected a private key, found " + describe(object));
    }

    private static DkimKey fromInfo(KeyName name, String source, PrivateKeyInfo info) {
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        try {
            if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
                PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
                RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) key;
                int bits = rsa.getModulus().bitLength();
                if (bits < MIN_RSA_BITS) {
                    throw new IllegalArgumentException(source + ": RSA key of " + bits + " bits; at least "
                        + MIN_RSA_BITS + " are required (RFC 8301), " + RECOMMENDED_RSA_BITS + " recommended");
                }
                return DkimKey.rsa(name, rsa);
            }
            if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm)) {
                // RFC 8410 §7: the privateKey OCTET STRING wraps a CurvePrivateKey OCTET STRING (the seed).
                byte[] seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
                if (seed.length != ED25519_SEED_BYTES) {
                    throw new IllegalArgumentException(source + ": Ed25519 private key of " + seed.length
                        + " bytes; expected " + ED25519_SEED_BYTES);
                }
                return DkimKey.ed25519(name, new Ed25519PrivateKeyParameters(seed, 0));
            }
        } catch (GeneralSecurityException | IOException | ClassCastException e) {
            throw new IllegalArgumentException(source + ": malformed " + algorithm + " private key", e);
        }
        throw new IllegalArgumentException(source + ": unsupported key algorithm " + algorithm
            + "; DKIM signs with RSA (rsa-sha256) or Ed25519 (ed25519-sha256)");
    }

    private static String describe(Object object) {
        String type = object.getClass().getSimpleName();
        switch (type) {
            case "X509CertificateHolder":
                return "a certificate";
            case "SubjectPublicKeyInfo":
                return "a public key";
            default:
                return type;
        }
    }
}
