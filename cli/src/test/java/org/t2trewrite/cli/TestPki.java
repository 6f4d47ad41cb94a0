package org.t2trewrite.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Certificates for tests, made with Bouncy Castle: a CA, and identities it issues (a server's,
 * with the host names and IP addresses it answers for; a client's), written as the PEM files an
 * operator would hand to {@code ./relay}, or turned into an {@link SSLContext}. RSA-2048,
 * SHA-256, valid from an hour ago for a day. Not a CA: no revocation, no name constraints.
 */
public final class TestPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    /** A key with its certificate chain, the certificate first. */
    public static final class Identity {
        private final PrivateKey key;
        private final List<X509Certificate> chain;

        private Identity(PrivateKey key, List<X509Certificate> chain) {
            this.key = key;
            this.chain = List.copyOf(chain);
        }

        public X509Certificate certificate() {
            return chain.get(0);
        }

        public PrivateKey key() {
            return key;
        }

        /** Issues a certificate for {@code commonName}, valid for TLS server and client use. */
        public Identity issue(String commonName, String... hostNamesAndAddresses) {
            return TestPki.issue(this, commonName, false, true, hostNamesAndAddresses);
        }

        /**
         * Issues a certificate valid from {@code notBefore} to {@code notAfter} with an RSA key of
         * {@code bits} (under 2048 for the short-key case), for the setup wizard's checks.
         */
        public Identity issue(String commonName, Instant notBefore, Instant notAfter, int bits, String... hostNamesAndAddresses) {
            return TestPki.issue(this, commonName, false, true, notBefore, notAfter, bits, hostNamesAndAddresses);
        }

        /** Issues an intermediate CA certificate. */
        public Identity issueCa(String commonName) {
            return TestPki.issue(this, commonName, true, false);
        }

        /** The chain, the certificate first (the self-signed root included). */
        public List<X509Certificate> chain() {
            return chain;
        }

        /** Writes the key and chain as a PKCS#12 file with this password. */
        public Path writePkcs12(Path file, char[] password) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("relay", key, password, chain.toArray(new X509Certificate[0]));
                try (java.io.OutputStream out = Files.newOutputStream(file)) {
                    store.store(out, password);
                }
                return file;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** As {@link #issue}, but for TLS server use only (no clientAuth in its extended key usage). */
        public Identity issueServerOnly(String commonName, String... hostNamesAndAddresses) {
            return TestPki.issue(this, commonName, false, false, hostNamesAndAddresses);
        }

        /** Writes the certificate and then its chain up to (not including) a self-signed root. */
        public Path writeCertificate(Path file) {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
                for (X509Certificate certificate : chain) {
                    if (certificate != certificate() && certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                        continue;
                    }
                    writer.writeObject(certificate);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return write(file, text.toString());
        }

        /** Writes the key as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), what {@code openssl genpkey} writes. */
        public Path writeKey(Path file) {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
                writer.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return write(file, text.toString());
        }

        /** A TLS context presenting this identity and trusting {@code trusted} (none: trusts nobody). */
        public SSLContext context(X509Certificate... trusted) {
            try {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("identity", key, new char[0], chain.toArray(new X509Certificate[0]));
                KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(keys, new char[0]);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keyManagers.getKeyManagers(), trustManagers(trusted), new SecureRandom());
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private TestPki() {
    }

    /** A self-signed CA. */
    public static Identity newCa(String commonName) {
        return issue(null, commonName, true, false);
    }

    /** A TLS client context without a certificate of its own, trusting {@code trusted}. */
    public static SSLContext clientContext(X509Certificate... trusted) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(trusted), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static javax.net.ssl.TrustManager[] trustManagers(X509Certificate... trusted) throws GeneralSecurityException, IOException {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        for (int i = 0; i < trusted.length; i++) {
            anchors.setCertificateEntry("trusted-" + i, trusted[i]);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        return factory.getTrustManagers();
    }

    private static Identity issue(Identity issuer, String commonName, boolean ca, boolean clientAuth, String... hostNamesAndAddresses) {
        Instant now = Instant.now();
        return issue(issuer, commonName, ca, clientAuth, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), 2048,
            hostNamesAndAddresses);
    }

    private static Identity issue(Identity issuer, String commonName, boolean ca, boolean clientAuth, Instant notBefore,
                                  Instant notAfter, int bits, String... hostNamesAndAddresses) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("O=T2T Rewrite tests,CN=" + commonName);
            X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(notBefore), Date.from(notAfter), subject, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(clientAuth
                    ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
                    : new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}));
            }
            if (hostNamesAndAddresses.length > 0) {
                List<GeneralName> names = new ArrayList<>();
                for (String name : hostNamesAndAddresses) {
                    names.add(isAddress(name) ? new GeneralName(GeneralName.iPAddress, name) : new GeneralName(GeneralName.dNSName, name));
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
            }
            PrivateKey signingKey = issuer == null ? pair.getPrivate() : issuer.key();
            X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signingKey)));
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            if (issuer != null) {
                chain.addAll(issuer.chain);
            }
            return new Identity(pair.getPrivate(), chain);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a test certificate for " + commonName, e);
        }
    }

    private static boolean isAddress(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    private static Path write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
