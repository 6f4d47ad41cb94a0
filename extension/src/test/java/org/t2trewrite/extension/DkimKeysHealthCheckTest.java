package org.t2trewrite.extension;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.james.core.healthcheck.Result;
import org.apache.james.core.healthcheck.ResultStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.core.directory.Tenants;
import org.t2trewrite.dkim.KeyFolder;
import org.t2trewrite.dkim.KeyFolders;

import reactor.core.publisher.Mono;

class DkimKeysHealthCheckTest {
    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
    private static final String TARGET_KEY = "t2t._domainkey.target.example.pem";
    private static final String SOURCE_KEY = "t2t._domainkey.source.example.pem";
    /** alice (DayOne) is presented in target.example, carol (DayTwo) in source.example, dave in none. */
    private static final Directory DIRECTORY = () -> DirectorySnapshot.of(
        Tenants.of(Set.of(Domain.of("source.example"), Domain.of("source-legacy.example")), Set.of(Domain.of("target.example"))),
        List.of(person("alice", Tenant.SOURCE, Group.DAY_ONE), person("carol", Tenant.TARGET, Group.DAY_TWO),
            person("dave", Tenant.SOURCE)),
        START);

    @TempDir
    Path folder;

    private final SteppingClock clock = new SteppingClock();
    private final KeyFolders keyFolders = new KeyFolders();

    private static Person person(String name, Tenant mailbox, Group... groups) {
        return Person.of(Address.parse(name + "@source.example"), Address.parse(name + "@target.example"), List.of(),
            List.of(), mailbox, Set.of(groups));
    }

    /** A clock the test moves past the key folder's check interval. */
    private static final class SteppingClock extends Clock {
        private Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void pastTheCheckInterval() {
            now = now.plusSeconds(11);
        }
    }

    @BeforeEach
    void writeKeys() throws Exception {
        writeKey(TARGET_KEY);
        writeKey(SOURCE_KEY);
    }

    private void writeKey(String fileName) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
        Files.writeString(folder.resolve(fileName), "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n",
            StandardCharsets.US_ASCII);
    }

    private void openAsTheMailetDoes(Optional<String> missingKeyProcessor) {
        keyFolders.add("DkimSignRewritten", KeyFolder.open(folder, clock, Duration.ofSeconds(10)), missingKeyProcessor);
    }

    private Result check(Directory directory) {
        return Mono.from(new DkimKeysHealthCheck(keyFolders, directory).check()).block();
    }

    @Test
    void isHealthyWhenEveryPresentedDomainHasAKey() {
        openAsTheMailetDoes(Optional.of("error"));

        Result result = check(DIRECTORY);

        assertThat(result.getStatus()).isEqualTo(ResultStatus.HEALTHY);
        assertThat(result.getComponentName().getName()).isEqualTo("t2t-dkim-keys");
    }

    @Test
    void isDegradedNamingTheDomainWhoseKeyWasRemovedAndWhereItsMailGoes() throws Exception {
        openAsTheMailetDoes(Optional.of("error"));

        Files.delete(folder.resolve(TARGET_KEY));
        clock.pastTheCheckInterval();
        Result result = check(DIRECTORY);

        assertThat(result.getStatus()).isEqualTo(ResultStatus.DEGRADED);
        assertThat(result.getCause()).contains("no DKIM key for target.example in " + folder
            + ": its rewritten mail is kept in processor 'error'");
    }

    @Test
    void saysMailIsSentUnsignedWhenTheMailetAllowsIt() throws Exception {
        openAsTheMailetDoes(Optional.empty());

        Files.delete(folder.resolve(SOURCE_KEY));
        clock.pastTheCheckInterval();

        assertThat(check(DIRECTORY).getCause()).contains("no DKIM key for source.example in " + folder
            + ": its rewritten mail is sent unsigned");
    }

    @Test
    void isDegradedNamingTheDamagedFileWhileThePreviousKeysStillSign() throws Exception {
        openAsTheMailetDoes(Optional.of("error"));

        Files.writeString(folder.resolve(TARGET_KEY), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        clock.pastTheCheckInterval();
        Result result = check(DIRECTORY);

        assertThat(result.getStatus()).isEqualTo(ResultStatus.DEGRADED);
        assertThat(result.getCause()).hasValueSatisfying(cause -> assertThat(cause)
            .startsWith("DKIM key folder " + folder + ": last change refused, still signing with the previous keys: ")
            .contains(TARGET_KEY)
            .doesNotContain("no DKIM key"));
    }

    @Test
    void reportsARefusedChangeEvenWhenTheDirectoryCannotNameTheDomains() throws Exception {
        openAsTheMailetDoes(Optional.of("error"));
        Files.writeString(folder.resolve(TARGET_KEY), "not a key");
        clock.pastTheCheckInterval();

        Result result = check(() -> {
            throw new DirectoryUnavailableException("no snapshot yet");
        });

        assertThat(result.getStatus()).isEqualTo(ResultStatus.DEGRADED);
        assertThat(result.getCause()).hasValueSatisfying(cause -> assertThat(cause).contains(TARGET_KEY));
    }

    @Test
    void isHealthyWhenNoMailetSigns() {
        assertThat(check(DIRECTORY).getStatus()).isEqualTo(ResultStatus.HEALTHY);
    }
}
