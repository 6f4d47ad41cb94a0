package org.t2trewrite.core.rewrite;

import java.util.Optional;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Lookup;
import org.t2trewrite.core.header.AddressMapper;

/**
 * The two address rules of the product, as {@link AddressMapper}s over one directory snapshot.
 *
 * <ul>
 *   <li>{@link #presented}: how the world should see an eligible person. A DayOne member is
 *       presented with their target address, a DayTwo member with their source address; any
 *       address of theirs in the other tenant (primary or alias) becomes that primary address.</li>
 *   <li>{@link #mailboxHome}: where mail for an eligible person must go. An address of theirs in
 *       the tenant where their mailbox does not live becomes their primary address in the tenant
 *       where it does.</li>
 *   <li>{@link #inTenant}: how one tenant knows eligible people. An address of theirs in the other
 *       tenant becomes their primary address in this one: what a calendar or a sent item stored in
 *       that tenant holds, for a copy of a mail that goes there.</li>
 * </ul>
 *
 * <p>No rule touches people in no group, people in both groups (a configuration conflict:
 * never rewritten until fixed), addresses nobody owns, or addresses the directory's exceptions
 * cover ({@link org.t2trewrite.core.directory.Exemptions#covers}: never rewritten, wherever they
 * appear). Both are idempotent: an address they
 * produce maps to nothing.
 */
public final class AddressRules {
    private AddressRules() {
    }

    public static AddressMapper presented(DirectorySnapshot snapshot) {
        return address -> eligiblePerson(snapshot, address)
            .flatMap(person -> {
                Tenant presented = person.eligibility().group().orElseThrow().presentedTenant();
                return snapshot.lookup(address).tenant().filter(tenant -> tenant != presented)
                    .map(tenant -> person.address(presented));
            });
    }

    public static AddressMapper mailboxHome(DirectorySnapshot snapshot) {
        return address -> eligiblePerson(snapshot, address)
            .flatMap(person -> snapshot.lookup(address).tenant().filter(tenant -> tenant != person.mailbox())
                .map(tenant -> person.address(person.mailbox())));
    }

    public static AddressMapper inTenant(DirectorySnapshot snapshot, Tenant tenant) {
        return address -> eligiblePerson(snapshot, address)
            .flatMap(person -> snapshot.lookup(address).tenant().filter(found -> found != tenant)
                .map(found -> person.address(tenant)));
    }

    private static Optional<Person> eligiblePerson(DirectorySnapshot snapshot, Address address) {
        if (snapshot.exemptions().covers(address)) {
            return Optional.empty();
        }
        Lookup lookup = snapshot.lookup(address);
        return lookup.person().filter(person -> person.eligibility() == Eligibility.DAY_ONE
            || person.eligibility() == Eligibility.DAY_TWO);
    }
}
