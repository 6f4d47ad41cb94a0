package org.t2trewrite.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.core.Domain;

/** A key that parses but cannot sign is refused when read: at start-up, and at a reload. */
class KeyFolderTest {
    private static final String FILE = "s1._domainkey.target.example.pem";

    @TempDir
    Path folder;

    /** The same key with its CRT coefficient damaged: it parses, and no signature it makes verifies. */
    private static KeyPair damaged(KeyPair pair) throws Exception {
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) pair.getPrivate();
        RSAPrivateCrtKeySpec spec = new RSAPrivateCrtKeySpec(key.getModulus(), key.getPublicExponent(),
            key.getPrivateExponent(), key.getPrimeP(), key.getPrimeQ(), key.getPrimeExponentP(), key.getPrimeExponentQ(),
            key.getCrtCoefficient().add(BigInteger.ONE));
        return new KeyPair(pair.getPublic(), KeyFactory.getInstance("RSA").generatePrivate(spec));
    }

    @Test
    void refusesAtStartUpAKeyThatParsesButCannotSignNamingTheFile() throws Exception {
        TestKeys.write(folder, FILE, TestKeys.pkcs8(damaged(TestKeys.RSA_2048)));

        assertThatThrownBy(() -> KeyFolder.open(folder, Clock.systemUTC(), Duration.ofSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(FILE)
            .hasMessageContaining("key");
    }

    @Test
    void keepsTheLastGoodKeysWhenAReloadBringsAKeyThatCannotSign() throws Exception {
        TestKeys.write(folder, FILE, TestKeys.pkcs8(TestKeys.RSA_2048));
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        KeyFolder keys = KeyFolder.open(folder, clock, Duration.ofSeconds(1));
        DkimKey good = keys.current().keysFor(Domain.of("target.example")).get(0);

        TestKeys.write(folder, FILE, TestKeys.pkcs8(damaged(TestKeys.RSA_2048)) + "\n");
        clock.advanceSeconds(5);

        assertThat(keys.current().keysFor(Domain.of("target.example"))).containsExactly(good);
        good.checkSigns();
    }

    @Test
    void statusNamesTheRefusedFileUntilTheFolderReadsCleanlyAgain() throws Exception {
        TestKeys.write(folder, FILE, TestKeys.pkcs8(TestKeys.RSA_2048));
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        KeyFolder keys = KeyFolder.open(folder, clock, Duration.ofSeconds(1));
        assertThat(keys.status().refusal()).isEmpty();

        TestKeys.write(folder, FILE, TestKeys.pkcs8(damaged(TestKeys.RSA_2048)) + "\n");
        clock.advanceSeconds(5);

        KeyFolder.Status refused = keys.status();
        assertThat(refused.refusal()).hasValueSatisfying(why -> assertThat(why).contains(FILE));
        assertThat(refused.ring().keysFor(Domain.of("target.example"))).hasSize(1);
        clock.advanceSeconds(5);
        assertThat(keys.status().refusal()).as("still refused while unchanged").isPresent();

        TestKeys.write(folder, FILE, TestKeys.pkcs8(TestKeys.RSA_2048) + "\n\n");
        clock.advanceSeconds(5);

        assertThat(keys.status().refusal()).isEmpty();
    }

    @Test
    void acceptsKeysThatSign() throws Exception {
        TestKeys.write(folder, FILE, TestKeys.pkcs1(TestKeys.RSA_2048));
        TestKeys.write(folder, "s2._domainkey.target.example.pem", TestKeys.pkcs8(TestKeys.ED25519));

        assertThat(KeyFolder.open(folder, Clock.systemUTC(), Duration.ofSeconds(1)).current()
            .keysFor(Domain.of("target.example"))).hasSize(2);
    }
}
