package org.t2trewrite.core.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;

/**
 * What every {@link Directory} must do, whatever it reads from. An implementation's test
 * implements this interface and the two factories; the tests come with it. Other modules get it
 * from core's test-jar ({@code <type>test-jar</type>}).
 */
public interface DirectoryContract {

    /** A started directory whose snapshot holds exactly the fixture's tenants and people. */
    Directory directoryWith(DirectoryFixture fixture) throws Exception;

    /**
     * A directory that cannot answer now: not loaded yet, or never could be. Each implementation
     * documents which real state this is.
     */
    Directory unavailableDirectory() throws Exception;

    private DirectorySnapshot standardSnapshot() throws Exception {
        return directoryWith(DirectoryFixture.standard()).snapshot();
    }

    private static Person named(String name) {
        switch (name) {
            case "ALICE":
                return DirectoryFixture.ALICE;
            case "BOB":
                return DirectoryFixture.BOB;
            case "CAROL":
                return DirectoryFixture.CAROL;
            case "DAVE":
                return DirectoryFixture.DAVE;
            default:
                throw new IllegalArgumentException("no fixture person " + name);
        }
    }

    @ParameterizedTest(name = "{0} is {1} in {2}")
    @CsvSource({
        "alice@source.example,         ALICE, SOURCE",
        "alice@target.example,         ALICE, TARGET",
        "a.smith@source.example,       ALICE, SOURCE",
        "alice@source-legacy.example,  ALICE, SOURCE",
        "alice.smith@target.example,   ALICE, TARGET",
        "bob@source.example,           BOB,   SOURCE",
        "b.jones@target.example,       BOB,   TARGET",
        "carol@target.example,         CAROL, TARGET",
        "dave@source.example,          DAVE,  SOURCE",
    })
    default void findsThePersonAndTenantOfPrimaryAndAliasAddresses(String address, String person, Tenant tenant) throws Exception {
        Lookup lookup = standardSnapshot().lookup(Address.parse(address));

        assertThat(lookup.person()).contains(named(person));
        assertThat(lookup.tenant()).contains(tenant);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ALICE@SOURCE.EXAMPLE,        ALICE",
        "Alice.Smith@Target.Example,  ALICE",
        "<bob@TARGET.example>,        BOB",
    })
    default void looksAddressesUpCaseInsensitively(String address, String person) throws Exception {
        assertThat(standardSnapshot().lookup(Address.parse(address)).person()).contains(named(person));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "erin@source.example",
        "alice@elsewhere.example",
        "alice.smith@source.example",
    })
    default void findsNobodyForAnUnknownAddress(String address) throws Exception {
        Lookup lookup = standardSnapshot().lookup(Address.parse(address));

        assertThat(lookup.isFound()).isFalse();
        assertThat(lookup.person()).isEmpty();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "a.smith@source.example,   DAY_ONE",
        "b.jones@target.example,   DAY_TWO",
        "carol@source.example,     NONE",
        "dave@target.example,      CONFLICT",
        "erin@source.example,      NONE",
    })
    default void answersTheEligibilityOfAnAddress(String address, Eligibility eligibility) throws Exception {
        assertThat(standardSnapshot().eligibility(Address.parse(address))).isEqualTo(eligibility);
    }

    @ParameterizedTest(name = "{0} has its mailbox in {1}")
    @CsvSource({
        "alice@target.example,  SOURCE",
        "bob@source.example,    TARGET",
        "carol@target.example,  SOURCE",
        "dave@source.example,   TARGET",
    })
    default void knowsWhereTheMailboxLives(String address, Tenant mailbox) throws Exception {
        Person person = standardSnapshot().lookup(Address.parse(address)).person().orElseThrow();

        assertThat(person.mailbox()).isEqualTo(mailbox);
    }

    @Test
    default void knowsEachTenantsDomains() throws Exception {
        Tenants tenants = standardSnapshot().tenants();

        assertThat(tenants.domains(Tenant.SOURCE))
            .containsExactlyInAnyOrder(Domain.of("source.example"), Domain.of("source-legacy.example"));
        assertThat(tenants.domains(Tenant.TARGET)).containsExactly(Domain.of("target.example"));
        assertThat(tenants.tenantOf(Domain.of("SOURCE-LEGACY.example"))).contains(Tenant.SOURCE);
        assertThat(tenants.tenantOf(Domain.of("elsewhere.example"))).isEmpty();
    }

    @Test
    default void holdsEveryPersonAndReportsTheConflict() throws Exception {
        DirectorySnapshot snapshot = standardSnapshot();

        assertThat(snapshot.people()).containsExactlyInAnyOrderElementsOf(DirectoryFixture.standard().people());
        assertThat(snapshot.conflicts()).containsExactly(DirectoryFixture.DAVE);
    }

    @Test
    default void servesAnEmptyDirectory() throws Exception {
        DirectorySnapshot snapshot = directoryWith(DirectoryFixture.of(DirectoryFixture.TENANTS, List.of())).snapshot();

        assertThat(snapshot.people()).isEmpty();
        assertThat(snapshot.lookup(Address.parse("alice@source.example")).isFound()).isFalse();
    }

    @Test
    default void throwsUnavailableWhenItCannotAnswer() throws Exception {
        Directory directory = unavailableDirectory();

        assertThatThrownBy(directory::snapshot).isInstanceOf(DirectoryUnavailableException.class);
    }
}
