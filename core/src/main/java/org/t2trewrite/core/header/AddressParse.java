package org.t2trewrite.core.header;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.t2trewrite.core.Address;

/**
 * The result of parsing an address header field: the mailboxes it names, in order (possibly
 * none: {@code undisclosed-recipients:;}), or a failure with a reason. Never both: a field
 * that fails to parse yields no addresses at all, because a half-understood field must not be
 * half rewritten.
 */
public final class AddressParse {
    private final List<FoundAddress> found;
    private final String failure;

    private AddressParse(List<FoundAddress> found, String failure) {
        this.found = found;
        this.failure = failure;
    }

    static AddressParse parsed(List<FoundAddress> found) {
        return new AddressParse(Collections.unmodifiableList(new ArrayList<>(found)), null);
    }

    static AddressParse failed(String reason) {
        return new AddressParse(List.of(), Objects.requireNonNull(reason, "reason"));
    }

    public boolean isParsed() {
        return failure == null;
    }

    /** The mailboxes with their byte spans; empty when the field did not parse. */
    public List<FoundAddress> found() {
        return found;
    }

    /** The addresses alone, in order; empty when the field did not parse. */
    public List<Address> addresses() {
        List<Address> addresses = new ArrayList<>(found.size());
        for (FoundAddress each : found) {
            addresses.add(each.address());
        }
        return Collections.unmodifiableList(addresses);
    }

    /** Why the field did not parse; empty when it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        return failure == null ? "parsed " + found : "failed: " + failure;
    }
}
