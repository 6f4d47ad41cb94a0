package org.t2trewrite.dkim;

/**
 * The two signing algorithms we produce. Both hash with SHA-256; neither SHA-1 variant is
 * offered, as RFC 8301 forbids signing with {@code rsa-sha1}.
 */
public enum DkimAlgorithm {
    /** RFC 6376 §3.3.1, RSASSA-PKCS1-v1_5 over SHA-256 of the header data. */
    RSA_SHA256("rsa-sha256", "rsa"),
    /** RFC 8463 §3: PureEdDSA (Ed25519) over the SHA-256 hash of the header data. */
    ED25519_SHA256("ed25519-sha256", "ed25519");

    private final String tag;
    private final String keyType;

    DkimAlgorithm(String tag, String keyType) {
        this.tag = tag;
        this.keyType = keyType;
    }

    /** The value of the signature's {@code a=} tag. */
    public String tag() {
        return tag;
    }

    /** The value of the key record's {@code k=} tag. */
    public String keyType() {
        return keyType;
    }
}
