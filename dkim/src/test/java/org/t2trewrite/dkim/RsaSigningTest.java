package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyFactorySpi;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.core.Domain;

class RsaSigningTest {
    private static final KeyName NAME = KeyName.of(Domain.of("target.example"), Selector.of("rsa1"));
    private static final byte[] DATA = "from:ann@target.example\r\nsubject:figures".getBytes(StandardCharsets.US_ASCII);
    private static final Supplier<Provider> NO_ACCP = () -> {
        throw new IllegalStateException("ACCP's native library did not load (simulated)");
    };

    @TempDir
    Path keyFolder;

    /** The bundled native library is for Linux x86-64; elsewhere ACCP is expected to be unusable. */
    static boolean accpExpected() {
        return System.getProperty("os.name").equals("Linux")
            && Set.of("amd64", "x86_64").contains(System.getProperty("os.arch").toLowerCase(Locale.ROOT));
    }

    private static String jdkProviderName() throws Exception {
        return Signature.getInstance("SHA256withRSA").getProvider().getName();
    }

    @Test
    void autoPicksAccpWhereItsNativeLibraryIsBundled() {
        assumeTrue(accpExpected(), "ACCP's bundled native library is for Linux x86-64");

        RsaSigning signing = RsaSigning.choose(RsaSigning.Choice.AUTO, Accp::provider);

        assertThat(signing.isAccp()).isTrue();
        assertThat(signing.provider().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(signing.description()).startsWith("AmazonCorrettoCryptoProvider 2.4").endsWith("(rsaProvider=auto)");
    }

    @Test
    void autoFallsBackToTheJdkNamingTheReason() throws Exception {
        RsaSigning signing = RsaSigning.choose(RsaSigning.Choice.AUTO, NO_ACCP);

        assertThat(signing.isAccp()).isFalse();
        assertThat(signing.provider().getName()).isEqualTo(jdkProviderName());
        assertThat(signing.description()).isEqualTo("the JDK's " + jdkProviderName()
            + " (rsaProvider=auto; ACCP is not usable: ACCP's native library did not load (simulated))");
    }

    @Test
    void autoFallsBackWhenAccpIsNotOnTheClassPath() {
        RsaSigning signing = RsaSigning.choose(RsaSigning.Choice.AUTO, () -> {
            throw new NoClassDefFoundError("com/amazon/corretto/crypto/provider/AmazonCorrettoCryptoProvider");
        });

        assertThat(signing.isAccp()).isFalse();
        assertThat(signing.description()).contains("java.lang.NoClassDefFoundError: com/amazon/corretto");
    }

    /** A provider whose signatures are wrong: the self-test must refuse it. */
    @Test
    void autoRefusesAProviderThatSignsWrongly() {
        RsaSigning signing = RsaSigning.choose(RsaSigning.Choice.AUTO, BrokenRsaProvider::new);

        assertThat(signing.isAccp()).isFalse();
        assertThat(signing.description()).contains("self-test signature differs");
    }

    @Test
    void accpRequiredButUnavailableFailsWithTheLoadingError() {
        assertThatThrownBy(() -> RsaSigning.choose(RsaSigning.Choice.ACCP, NO_ACCP))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("ACCP is not usable: ACCP's native library did not load (simulated)");
    }

    @Test
    void jdkNeverAsksForAccp() throws Exception {
        RsaSigning signing = RsaSigning.choose(RsaSigning.Choice.JDK, () -> {
            throw new AssertionError("ACCP must not be loaded for rsaProvider=jdk");
        });

        assertThat(signing.isAccp()).isFalse();
        assertThat(signing.provider().getName()).isEqualTo(jdkProviderName());
    }

    @Test
    void parsesTheThreeValuesAndRejectsOthersNamingTheValue() {
        assertThat(RsaSigning.Choice.parse(" AUTO ")).isEqualTo(RsaSigning.Choice.AUTO);
        assertThat(RsaSigning.Choice.parse("jdk")).isEqualTo(RsaSigning.Choice.JDK);
        assertThat(RsaSigning.Choice.parse("accp")).isEqualTo(RsaSigning.Choice.ACCP);
        assertThatThrownBy(() -> RsaSigning.Choice.parse("openssl"))
            .hasMessage("must be 'auto', 'jdk' or 'accp', not 'openssl'");
    }

    /** RSASSA-PKCS1-v1_5 is deterministic: both providers must give the very same bytes. */
    @Test
    void accpAndJdkMakeIdenticalSignatures() throws Exception {
        assumeTrue(accpExpected(), "ACCP's bundled native library is for Linux x86-64");
        DkimKey jdkKey = DkimKey.rsa(NAME, (RSAPrivateKey) TestKeys.RSA_2048.getPrivate())
            .signingWith(RsaSigning.choose(RsaSigning.Choice.JDK, NO_ACCP));
        DkimKey accpKey = jdkKey.signingWith(RsaSigning.choose(RsaSigning.Choice.ACCP, Accp::provider));

        assertThat(accpKey.rsaProvider().orElseThrow().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(jdkKey.rsaProvider().orElseThrow().getName()).isEqualTo(jdkProviderName());
        assertThat(accpKey.sign(DATA)).isEqualTo(jdkKey.sign(DATA));
    }

    /** ACCP gets its own key object, made once when the key is read, not a JDK key per signature. */
    @Test
    void keyFolderBindsRsaKeysToAccpOnceAtLoad() {
        assumeTrue(accpExpected(), "ACCP's bundled native library is for Linux x86-64");
        TestKeys.write(keyFolder, "rsa1._domainkey.target.example.pem", TestKeys.pkcs1(TestKeys.RSA_2048));
        TestKeys.write(keyFolder, "ed1._domainkey.target.example.pem", TestKeys.pkcs8(TestKeys.ED25519));

        KeyRing ring = KeyFolder.open(keyFolder, Clock.systemUTC(), Duration.ofDays(1),
            RsaSigning.choose(RsaSigning.Choice.AUTO, Accp::provider)).current();

        DkimKey rsa = ring.keysFor(Domain.of("target.example")).get(0);
        DkimKey ed25519 = ring.keysFor(Domain.of("target.example")).get(1);
        assertThat(rsa.rsaProvider().orElseThrow().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(ed25519.rsaProvider()).isEmpty();
        // Signing twice must not destroy ACCP's shared native key (the ephemeral-key hazard of translateKey).
        assertThat(rsa.sign(DATA)).isEqualTo(rsa.sign(DATA));
    }

    /** A stand-in for a native library that computes wrong signatures: the JDK's, last byte flipped. */
    private static final class BrokenRsaProvider extends Provider {
        private static final long serialVersionUID = 1L;

        BrokenRsaProvider() {
            super("BrokenRsa", "1.0", "signs SHA256withRSA wrongly");
            putService(new Provider.Service(this, "KeyFactory", "RSA", JdkRsaKeyFactory.class.getName(), null, null));
            putService(new Provider.Service(this, "Signature", "SHA256withRSA", WrongSignature.class.getName(), null, null));
        }
    }

    public static final class JdkRsaKeyFactory extends KeyFactorySpi {
        private final KeyFactory jdk;

        public JdkRsaKeyFactory() throws Exception {
            jdk = KeyFactory.getInstance("RSA");
        }

        @Override
        protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
            return jdk.generatePublic(spec);
        }

        @Override
        protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
            return jdk.generatePrivate(spec);
        }

        @Override
        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> type) throws InvalidKeySpecException {
            return jdk.getKeySpec(key, type);
        }

        @Override
        protected Key engineTranslateKey(Key key) throws InvalidKeyException {
            return jdk.translateKey(key);
        }
    }

    public static final class WrongSignature extends SignatureSpi {
        private final Signature jdk;

        public WrongSignature() throws Exception {
            jdk = Signature.getInstance("SHA256withRSA");
        }

        @Override
        protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
            jdk.initVerify(key);
        }

        @Override
        protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
            jdk.initSign(key);
        }

        @Override
        protected void engineUpdate(byte b) throws SignatureException {
            jdk.update(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
            jdk.update(b, off, len);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            byte[] signature = jdk.sign();
            signature[signature.length - 1] ^= 0x01;
            return signature;
        }

        @Override
        protected boolean engineVerify(byte[] signature) throws SignatureException {
            return jdk.verify(signature);
        }

        @Override
        @SuppressWarnings("deprecation")
        protected void engineSetParameter(String param, Object value) {
            throw new UnsupportedOperationException(param);
        }

        @Override
        @SuppressWarnings("deprecation")
        protected Object engineGetParameter(String param) {
            throw new UnsupportedOperationException(param);
        }
    }
}
