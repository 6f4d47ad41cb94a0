package org.t2trewrite.core.header;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.t2trewrite.core.Address;

/**
 * Decides the new address for an address found in a header: a replacement, or empty to
 * leave it as written. Implementations must be pure (the same answer for the same address):
 * the rewriter may ask about an address more than once.
 */
@FunctionalInterface
public interface AddressMapper {

    Optional<Address> replacementFor(Address found);

    /** Leaves every address as it is. */
    static AddressMapper identity() {
        return found -> Optional.empty();
    }

    /** Replaces the keys of {@code replacements} (matched case-insensitively, as {@link Address} is) by their values. */
    static AddressMapper of(Map<Address, Address> replacements) {
        Map<Address, Address> copy = Map.copyOf(Objects.requireNonNull(replacements, "replacements"));
        return found -> Optional.ofNullable(copy.get(found));
    }
}
