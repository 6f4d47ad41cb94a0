package org.t2trewrite.core;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.Sets;

/**
 * Someone known in both tenants: a primary address and aliases on each side, where the mailbox
 * lives now, and the eligibility groups they belong to.
 */
public final class Person {
    private final Address source;
    private final Address target;
    private final List<Address> sourceAliases;
    private final List<Address> targetAliases;
    private final Tenant mailbox;
    private final Set<Group> groups;

    private Person(Address source, Address target, List<Address> sourceAliases, List<Address> targetAliases,
                   Tenant mailbox, Set<Group> groups) {
        this.source = source;
        this.target = target;
        this.sourceAliases = sourceAliases;
        this.targetAliases = targetAliases;
        this.mailbox = mailbox;
        this.groups = groups;
    }

    public static Person of(Address source, Address target, List<Address> sourceAliases, List<Address> targetAliases,
                            Tenant mailbox, Set<Group> groups) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(mailbox, "mailbox");
        if (source.equals(target)) {
            throw new IllegalArgumentException("source and target address are the same: " + source);
        }
        Set<Group> groupSet = groups.isEmpty() ? EnumSet.noneOf(Group.class) : EnumSet.copyOf(groups);
        return new Person(source, target, ImmutableList.copyOf(sourceAliases), ImmutableList.copyOf(targetAliases),
            mailbox, Sets.immutableEnumSet(groupSet));
    }

    public Address source() {
        return source;
    }

    public Address target() {
        return target;
    }

    /** The primary address in a tenant. */
    public Address address(Tenant tenant) {
        return tenant == Tenant.SOURCE ? source : target;
    }

    /** The primary address and then the aliases in a tenant, without duplicates. */
    public Set<Address> addresses(Tenant tenant) {
        Set<Address> all = new LinkedHashSet<>();
        all.add(address(tenant));
        all.addAll(tenant == Tenant.SOURCE ? sourceAliases : targetAliases);
        return all;
    }

    public List<Address> aliases(Tenant tenant) {
        return tenant == Tenant.SOURCE ? sourceAliases : targetAliases;
    }

    /** Where the mailbox lives now: {@link Tenant#SOURCE} before cutover, {@link Tenant#TARGET} after. */
    public Tenant mailbox() {
        return mailbox;
    }

    public Set<Group> groups() {
        return groups;
    }

    public Eligibility eligibility() {
        return Eligibility.of(groups);
    }

    /** The tenant an address of this person belongs to, or empty when it is none of theirs. */
    public Optional<Tenant> tenantOf(Address address) {
        if (addresses(Tenant.SOURCE).contains(address)) {
            return Optional.of(Tenant.SOURCE);
        }
        if (addresses(Tenant.TARGET).contains(address)) {
            return Optional.of(Tenant.TARGET);
        }
        return Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Person)) {
            return false;
        }
        Person other = (Person) o;
        return source.equals(other.source) && target.equals(other.target)
            && sourceAliases.equals(other.sourceAliases) && targetAliases.equals(other.targetAliases)
            && mailbox == other.mailbox && groups.equals(other.groups);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, target, sourceAliases, targetAliases, mailbox, groups);
    }

    @Override
    public String toString() {
        return source + " / " + target + " (mailbox " + mailbox.configName() + ", " + eligibility() + ")";
    }
}
