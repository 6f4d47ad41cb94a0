package org.t2trewrite.core.directory;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

/**
 * An immutable, indexed view of the directory at one moment: the tenants' domains and every
 * person, looked up by any of their addresses (primary or alias, either tenant) in O(1).
 *
 * <p>Built with {@link #of}, which rejects an address claimed by two people or an address
 * whose domain belongs to the other tenant: such a directory cannot be acted on safely.
 *
 * <p>Carries the directory's {@link Exemptions} (none unless the directory configures some), so
 * that the exceptions in force are those of the snapshot a mail is decided on.
 */
public final class DirectorySnapshot {
    private final Tenants tenants;
    private final List<Person> people;
    private final Map<Address, Lookup> index;
    private final Instant asOf;
    private final Exemptions exemptions;

    private DirectorySnapshot(Tenants tenants, List<Person> people, Map<Address, Lookup> index, Instant asOf,
                              Exemptions exemptions) {
        this.tenants = tenants;
        this.people = people;
        this.index = index;
        this.asOf = asOf;
        this.exemptions = exemptions;
    }

    /** A snapshot without exceptions. See {@link #of(Tenants, Collection, Exemptions, Instant)}. */
    public static DirectorySnapshot of(Tenants tenants, Collection<Person> people, Instant asOf) {
        return of(tenants, people, Exemptions.none(), asOf);
    }

    /**
     * @throws IllegalArgumentException naming the address when two people share one, or when an
     *         address of one tenant is in a domain accepted by the other
     */
    public static DirectorySnapshot of(Tenants tenants, Collection<Person> people, Exemptions exemptions, Instant asOf) {
        Objects.requireNonNull(tenants, "tenants");
        Objects.requireNonNull(exemptions, "exemptions");
        Objects.requireNonNull(asOf, "asOf");
        Map<Address, Lookup> index = new HashMap<>();
        for (Person person : people) {
            for (Tenant tenant : Tenant.values()) {
                for (Address address : person.addresses(tenant)) {
                    Optional<Tenant> domainTenant = tenants.tenantOf(address.domain());
                    if (domainTenant.isPresent() && domainTenant.get() != tenant) {
                        throw new IllegalArgumentException(tenant.configName() + " address " + address
                            + " of " + person.source() + " is in a " + domainTenant.get().configName() + " domain");
                    }
                    Lookup previous = index.put(address, Lookup.found(address, person, tenant));
                    if (previous != null && !previous.person().orElseThrow().equals(person)) {
                        throw new IllegalArgumentException("address " + address + " belongs to both "
                            + previous.person().orElseThrow().source() + " and " + person.source());
                    }
                }
            }
        }
        return new DirectorySnapshot(tenants, ImmutableList.copyOf(people), ImmutableMap.copyOf(index), asOf, exemptions);
    }

    /** The same snapshot with other exceptions (e.g. the configured ones over a persisted snapshot). */
    public DirectorySnapshot withExemptions(Exemptions other) {
        return new DirectorySnapshot(tenants, people, index, asOf, Objects.requireNonNull(other, "exemptions"));
    }

    /** The senders, recipients and domains never rewritten. */
    public Exemptions exemptions() {
        return exemptions;
    }

    public Tenants tenants() {
        return tenants;
    }

    public List<Person> people() {
        return people;
    }

    /** When the data in this snapshot was read from its source. */
    public Instant asOf() {
        return asOf;
    }

    public Lookup lookup(Address address) {
        return index.getOrDefault(address, Lookup.nobody());
    }

    /** The eligibility of whoever owns the address; {@link Eligibility#NONE} when nobody does. */
    public Eligibility eligibility(Address address) {
        return lookup(address).person().map(Person::eligibility).orElse(Eligibility.NONE);
    }

    /** The people in both groups: a configuration conflict, reported and never rewritten. */
    public List<Person> conflicts() {
        return people.stream()
            .filter(person -> person.eligibility() == Eligibility.CONFLICT)
            .collect(ImmutableList.toImmutableList());
    }
}
