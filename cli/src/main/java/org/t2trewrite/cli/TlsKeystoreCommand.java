package org.t2trewrite.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code t2t-rewrite tls-keystore}: turns the operator's PEM files into what the JVM's default
 * TLS context reads, for James's outbound SMTP (RemoteDelivery's STARTTLS goes through
 * javax.mail, which uses that context): {@code client.p12}, the relay's certificate and key,
 * presented when the receiving server asks for a client certificate (Exchange Online's
 * {@code TlsSenderCertificateName}); {@code trust.p12}, the JVM's trusted CAs plus the given
 * ones; and {@code jsse.properties}, the {@code javax.net.ssl.*} system properties naming them,
 * which {@code ./relay} appends to James's {@code jvm.properties}. Every file is mode 0600.
 *
 * <p>Checks before writing anything: the certificate file holds X.509 certificates (the relay's
 * first, then its chain), the key is an unencrypted PEM private key (PKCS#1, PKCS#8 or SEC1 EC)
 * and belongs to the first certificate (a test signature verified with the certificate's key).
 *
 * <p>Does not: reload anything (the JVM reads the files once, at the first TLS connection: a
 * replaced certificate takes a restart), check revocation, or print the store password (it is
 * random, new at each run, and only in {@code jsse.properties}; it protects nothing the PEM
 * key file does not already expose, JSSE simply requires one).
 */
@Command(name = "tls-keystore", mixinStandardHelpOptions = true,
    description = "Write the JVM key and trust stores for the relay's outbound TLS from PEM files.")
public final class TlsKeystoreCommand implements Callable<Integer> {
    static final String CLIENT_STORE = "client.p12";
    static final String TRUST_STORE = "trust.p12";
    static final String PROPERTIES = "jsse.properties";
    static final String CLIENT_ALIAS = "relay";
    private static final String CLIENT_AUTH_OID = "1.3.6.1.5.5.7.3.2";

    @Spec
    private CommandSpec spec;

    @Option(names = "--cert", paramLabel = "CERT.pem", description = "The relay's certificate, then its chain (PEM)")
    private Path cert;

    @Option(names = "--key", paramLabel = "KEY.pem", description = "The certificate's private key (PEM, unencrypted)")
    private Path key;

    @Option(names = "--trust", paramLabel = "CA.pem", description = "CA certificates to trust in addition to the JVM's (PEM)")
    private Path trust;

    @Option(names = "--out", required = true, description = "Folder for client.p12, trust.p12 and jsse.properties")
    private Path out;

    @Option(names = "--verbose", description = "Show stack traces of errors")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--cert and --key go together");
        }
        if (cert == null && trust == null) {
            throw new IllegalArgumentException("give --cert and --key, --trust, or both");
        }
        if (!Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out: " + out + " is not a directory");
        }
        char[] password = newPassword();
        Properties properties = new Properties();
        PrintWriter printer = spec.commandLine().getOut();
        if (cert != null) {
            List<X509Certificate> chain = certificates(cert);
            PrivateKey privateKey = privateKey(key);
            checkPair(privateKey, chain.get(0));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(CLIENT_ALIAS, privateKey, password, chain.toArray(new X509Certificate[0]));
            Path file = write(out.resolve(CLIENT_STORE), store, password);
            properties.setProperty("javax.net.ssl.keyStore", file.toAbsolutePath().toString());
            properties.setProperty("javax.net.ssl.keyStoreType", "PKCS12");
            properties.setProperty("javax.net.ssl.keyStorePassword", new String(password));
            X509Certificate leaf = chain.get(0);
            printer.println("client certificate " + leaf.getSubjectX500Principal().getName()
                + " (issuer " + leaf.getIssuerX500Principal().getName() + ", valid until " + leaf.getNotAfter().toInstant() + ")");
            if (!allowsClientAuth(leaf)) {
                spec.commandLine().getErr().println("t2t-rewrite: warning: " + cert + ": its extended key usage lacks"
                    + " clientAuth; servers that check it will not accept it as a client certificate");
            }
        }
        if (trust != null) {
            List<X509Certificate> authorities = certificates(trust);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int jvm = 0;
            for (X509Certificate anchor : jvmTrustAnchors()) {
                store.setCertificateEntry("jvm-" + jvm++, anchor);
            }
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("trusted-" + i, authorities.get(i));
            }
            Path file = write(out.resolve(TRUST_STORE), store, password);
            properties.setProperty("javax.net.ssl.trustStore", file.toAbsolutePath().toString());
            properties.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            properties.setProperty("javax.net.ssl.trustStorePassword", new String(password));
            printer.println("trusting " + authorities.size() + " CA certificate(s) of " + trust + " in addition to the JVM's " + jvm);
        }
        StringWriter text = new StringWriter();
        properties.store(text, "javax.net.ssl.* for the relay's outbound TLS, written by t2t-rewrite tls-keystore; keep private");
        writeText(out.resolve(PROPERTIES), text.toString());
        printer.flush();
        return 0;
    }

    static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> result = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            factory.generateCertificates(in).forEach(certificate -> result.add((X509Certificate) certificate));
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not a PEM certificate file (" + e.getMessage() + ")", e);
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException(file + ": no certificate found (expected BEGIN CERTIFICATE)");
        }
        return result;
    }

    static PrivateKey privateKey(Path file) throws IOException {
        Object object;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            object = parser.readObject();
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle's messages describe the structure, never the key bytes.
            throw new IllegalArgumentException(file + ": not a readable PEM private key (" + e.getMessage() + ")", e);
        }
        if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new IllegalArgumentException(file + ": the key is encrypted; the relay has nobody to ask for a passphrase"
                + " (decrypt it: openssl pkey -in KEY -out KEY.plain)");
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (object instanceof PEMKeyPair) {
            return converter.getKeyPair((PEMKeyPair) object).getPrivate();
        }
        if (object instanceof PrivateKeyInfo) {
            return converter.getPrivateKey((PrivateKeyInfo) object);
        }
        throw new IllegalArgumentException(file + ": no private key found (expected BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY"
            + " or BEGIN EC PRIVATE KEY)");
    }

    /** A signature made with the key must verify with the certificate's public key. */
    private void checkPair(PrivateKey privateKey, X509Certificate certificate) throws GeneralSecurityException {
        signatureAlgorithm(privateKey);
        if (!belongsTo(privateKey, certificate.getPublicKey())) {
            throw new IllegalArgumentException(key + " is not the private key of the first certificate in " + cert
                + " (" + certificate.getSubjectX500Principal().getName() + ")");
        }
    }

    private String signatureAlgorithm(PrivateKey privateKey) {
        String algorithm = signatureAlgorithmOf(privateKey);
        if (algorithm == null) {
            throw new IllegalArgumentException(key + ": unsupported key type " + privateKey.getAlgorithm() + " (RSA, EC or Ed25519)");
        }
        return algorithm;
    }

    private static String signatureAlgorithmOf(PrivateKey privateKey) {
        switch (privateKey.getAlgorithm()) {
            case "RSA":
                return "SHA256withRSA";
            case "EC":
            case "ECDSA":
                return "SHA256withECDSA";
            case "Ed25519":
            case "EdDSA":
                return "Ed25519";
            default:
                return null;
        }
    }

    /**
     * Whether the private key belongs to the public key: a signature over random bytes made with
     * one verifies with the other. A key of another type, or of an unsupported type, does not.
     */
    static boolean belongsTo(PrivateKey privateKey, PublicKey publicKey) {
        String algorithm = signatureAlgorithmOf(privateKey);
        if (algorithm == null) {
            return false;
        }
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A key of another type than the certificate's: the same answer as a wrong key.
            return false;
        }
    }

    private static boolean allowsClientAuth(X509Certificate certificate) {
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            return usages == null || usages.contains(CLIENT_AUTH_OID) || usages.contains("2.5.29.37.0");
        } catch (CertificateException e) {
            return false;
        }
    }

    /** What the JVM trusts without any {@code javax.net.ssl.trustStore}: its cacerts. */
    private static List<X509Certificate> jvmTrustAnchors() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        List<X509Certificate> anchors = new ArrayList<>();
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager) {
                anchors.addAll(List.of(((X509TrustManager) manager).getAcceptedIssuers()));
            }
        }
        return anchors;
    }

    private static char[] newPassword() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
    }

    private static Path write(Path file, KeyStore store, char[] password) throws IOException, GeneralSecurityException {
        createPrivate(file);
        try (OutputStream stream = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            store.store(stream, password);
        }
        return file;
    }

    private static void writeText(Path file, String text) throws IOException {
        createPrivate(file);
        Files.writeString(file, text, StandardCharsets.ISO_8859_1, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Creates (or keeps) the file and makes it mode 0600 before anything secret is written to it. */
    private static void createPrivate(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): its ACLs are the operator's to set.
        }
    }
}
