package org.t2trewrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressTest {

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource(delimiter = '|', value = {
        "alice@source.example|ALICE@Source.Example",
        "<alice@source.example>|alice@source.example",
        "alice@source.example.|alice@source.example",
        "user@b\u00fccher.example|USER@xn--bcher-kva.example",
        "\"a b\"@x.example|\"A B\"@X.example",
        "\"alice\"@source.example|alice@source.example",
        "\"a.smith\"@source.example|A.Smith@source.example",
        "\"al\\ice\"@source.example|alice@source.example",
        "\u00e9l\u00e8ve@\u00e9cole.example|\u00c9L\u00c8VE@xn--cole-9oa.example"})
    void comparesAddressesCaseInsensitivelyAndAcrossIdnForms(String one, String other) {
        assertThat(Address.parse(one)).isEqualTo(Address.parse(other));
        assertThat(Address.parse(one).hashCode()).isEqualTo(Address.parse(other).hashCode());
    }

    @ParameterizedTest(name = "{0} != {1}")
    @CsvSource(delimiter = '|', value = {
        "\"a b\"@x.example|ab@x.example",
        "\"a..b\"@x.example|a.b@x.example",
        "\".a\"@x.example|a@x.example"})
    void aQuotedLocalPartThatNeedsItsQuotesIsAnotherMailbox(String one, String other) {
        assertThat(Address.parse(one)).isNotEqualTo(Address.parse(other));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice", "@source.example", "alice@", "a b@x.example", "a<b@x.example", "a@b@", "a@x y.example"})
    void rejectsWhatIsNotAnAddress(String value) {
        assertThatThrownBy(() -> Address.parse(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"Alice@Source.Example|Alice@source.example", "\u00e9l\u00e8ve@\u00e9cole.example|\u00e9l\u00e8ve@\u00e9cole.example"})
    void keepsTheLocalPartAsWrittenAndLowerCasesTheDomain(String value, String expected) {
        assertThat(Address.parse(value).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"alice@source.example|false", "\u00e9l\u00e8ve@x.example|true", "a@\u00e9cole.example|true"})
    void tellsWhenAnAddressNeedsSmtpUtf8(String value, boolean expected) {
        assertThat(Address.parse(value).needsSmtpUtf8()).isEqualTo(expected);
    }
}
