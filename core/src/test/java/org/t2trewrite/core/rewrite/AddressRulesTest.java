package org.t2trewrite.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.t2trewrite.core.Fixtures.address;

import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Fixtures;

class AddressRulesTest {

    static Stream<Arguments> presentedCases() {
        return Stream.of(
            Arguments.of("dayone source primary becomes target", "alice@source.example", "alice@target.example"),
            Arguments.of("dayone source alias becomes target primary", "a.smith@source.example", "alice@target.example"),
            Arguments.of("dayone case-insensitive", "ALICE@Source.Example", "alice@target.example"),
            Arguments.of("dayone already presented is kept", "alice@target.example", null),
            Arguments.of("daytwo target becomes source", "carol@target.example", "carol@source.example"),
            Arguments.of("daytwo already presented is kept", "carol@source.example", null),
            Arguments.of("cut-over dayone source becomes target", "erin@source.example", "erin@target.example"),
            Arguments.of("no group is kept", "dave@source.example", null),
            Arguments.of("conflict is kept", "gina@source.example", null),
            Arguments.of("unknown is kept", "ext@external.example", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presentedCases")
    void presentsEligiblePeopleWithTheirGroupsAddress(String name, String found, String expected) {
        Optional<Address> replacement = AddressRules.presented(Fixtures.scenarioDirectory()).replacementFor(address(found));

        assertThat(replacement.map(Address::toString)).isEqualTo(Optional.ofNullable(expected));
    }

    static Stream<Arguments> mailboxHomeCases() {
        return Stream.of(
            Arguments.of("reply before cutover goes to source mailbox", "alice@target.example", "alice@source.example"),
            Arguments.of("reply after cutover goes to target mailbox", "erin@source.example", "erin@target.example"),
            Arguments.of("alias in mailbox tenant is kept", "a.smith@source.example", null),
            Arguments.of("daytwo at target mailbox is kept", "carol@target.example", null),
            Arguments.of("daytwo at source address goes to target mailbox", "carol@source.example", "carol@target.example"),
            Arguments.of("no group is never redirected", "dave@target.example", null),
            Arguments.of("conflict is never redirected", "gina@target.example", null),
            Arguments.of("unknown is kept", "ext@external.example", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mailboxHomeCases")
    void redirectsEligiblePeopleToTheirMailboxTenant(String name, String found, String expected) {
        Optional<Address> replacement = AddressRules.mailboxHome(Fixtures.scenarioDirectory()).replacementFor(address(found));

        assertThat(replacement.map(Address::toString)).isEqualTo(Optional.ofNullable(expected));
    }
}
