package org.t2trewrite.graph;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * How an app registration proves itself to Entra ID in the OAuth 2.0 client credentials grant: a client
 * secret, or a certificate whose private key signs a JWT client assertion (RS256, RFC 7523).
 *
 * <p>Read once from files or an environment variable; {@link #toString()} never shows the secret or key.
 * Does not fetch tokens: {@link ClientCredentialsAuthenticationProvider} does.
 */
public final class ClientCredential {
    private final String secret;
    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final String origin;

    private ClientCredential(String secret, X509Certificate certificate, PrivateKey privateKey, String origin) {
        this.secret = secret;
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.origin = origin;
    }

    /**
     * A client secret. {@code origin} says where it came from (for messages), never the secret itself.
     *
     * @throws IllegalArgumentException when the secret is blank
     */
    public static ClientCredential secret(String secret, String origin) {
        Objects.requireNonNull(origin, "origin");
        if (secret == null || secret.trim().isEmpty()) {
            throw new IllegalArgumentException("client secret from " + origin + " is empty");
        }
        return new ClientCredential(secret.trim(), null, null, origin);
    }

    /**
     * A certificate credential from a PEM certificate file and a PEM RSA private key file (PKCS#8
     * {@code PRIVATE KEY} or PKCS#1 {@code RSA PRIVATE KEY}, unencrypted).
     *
     * @throws IllegalArgumentException naming the file when either cannot be read or parsed, or is not RSA
     */
    public static ClientCredential certificate(Path certificateFile, Path privateKeyFile) {
        X509Certificate certificate = readCertificate(certificateFile);
        PrivateKey key = readPrivateKey(privateKeyFile);
        if (!(key instanceof RSAPrivateKey)) {
            throw new IllegalArgumentException("private key " + privateKeyFile + " is " + key.getAlgorithm()
                + ", Entra ID client assertions need RSA");
        }
        return new ClientCredential(null, certificate, key, certificateFile + " + " + privateKeyFile);
    }

    private static X509Certificate readCertificate(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(bytes));
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("cannot read certificate " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPrivateKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read private key " + file + ": " + e, e);
        }
        try (Reader reader = new StringReader(pem); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair) {
                return converter.getKeyPair((PEMKeyPair) object).getPrivate();
            }
            if (object instanceof PrivateKeyInfo) {
                return converter.getPrivateKey((PrivateKeyInfo) object);
            }
            // Deliberately no detail from the parser: it could echo key material.
            throw new IllegalArgumentException("private key " + file
                + " is not an unencrypted PEM private key (PRIVATE KEY or RSA PRIVATE KEY)");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot parse private key " + file, e);
        }
    }

    public boolean isCertificate() {
        return certificate != null;
    }

    Optional<String> clientSecret() {
        return Optional.ofNullable(secret);
    }

    Optional<PrivateKey> privateKey() {
        return Optional.ofNullable(privateKey);
    }

    /**
     * The certificate's SHA-1 thumbprint, base64url: the {@code x5t} JWT header Entra ID uses to find the
     * registered certificate.
     */
    String x5t() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot compute the certificate thumbprint", e);
        }
    }

    @Override
    public String toString() {
        return (isCertificate() ? "certificate from " : "client secret from ") + origin;
    }
}
