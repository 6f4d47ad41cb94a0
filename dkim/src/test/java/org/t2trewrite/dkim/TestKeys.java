package org.t2trewrite.dkim;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;

/** Test keys, generated once per JVM, written as PEM in the formats the key folder accepts. */
final class TestKeys {
    static final KeyPair RSA_2048 = rsa(2048);
    static final Ed25519PrivateKeyParameters ED25519 = new Ed25519PrivateKeyParameters(new SecureRandom());

    private TestKeys() {
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code BEGIN RSA PRIVATE KEY}: Bouncy Castle writes a JCA RSA private key as PKCS#1. */
    static String pkcs1(KeyPair pair) {
        return pem(pair.getPrivate());
    }

    /** {@code BEGIN PRIVATE KEY}. */
    static String pkcs8(KeyPair pair) {
        try {
            return pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** As {@code openssl genpkey -algorithm ed25519} writes it (RFC 8410, no public key attached). */
    static String pkcs8(Ed25519PrivateKeyParameters key) {
        try {
            PrivateKeyInfo info = new PrivateKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                new DEROctetString(key.getEncoded()));
            return pem(new PemObject("PRIVATE KEY", info.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String rsaRecord(KeyPair pair) {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    static String ed25519Record(Ed25519PrivateKeyParameters key) {
        return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(key.generatePublicKey().getEncoded());
    }

    static Path write(Path folder, String fileName, String pem) {
        try {
            return Files.writeString(folder.resolve(fileName), pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
