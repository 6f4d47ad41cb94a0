package org.t2trewrite.core.directory;

import java.util.Objects;
import java.util.Optional;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;

/**
 * The answer to "who owns this address" in a snapshot: a person (with the tenant the address
 * belongs to), or nobody. Availability is decided before a snapshot exists, so a lookup in a
 * snapshot is never "unavailable" (see {@link Directory#snapshot()}).
 */
public final class Lookup {
    private static final Lookup NOBODY = new Lookup(null, null, null);

    private final Address address;
    private final Person person;
    private final Tenant tenant;

    private Lookup(Address address, Person person, Tenant tenant) {
        this.address = address;
        this.person = person;
        this.tenant = tenant;
    }

    public static Lookup found(Address address, Person person, Tenant tenant) {
        return new Lookup(Objects.requireNonNull(address), Objects.requireNonNull(person), Objects.requireNonNull(tenant));
    }

    public static Lookup nobody() {
        return NOBODY;
    }

    public boolean isFound() {
        return person != null;
    }

    public Optional<Person> person() {
        return Optional.ofNullable(person);
    }

    /** The tenant of the looked-up address (source or target side of the person). */
    public Optional<Tenant> tenant() {
        return Optional.ofNullable(tenant);
    }

    @Override
    public String toString() {
        return person == null ? "nobody" : address + " is " + person + " in " + tenant.configName();
    }
}
