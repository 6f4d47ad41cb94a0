package org.t2trewrite.core.directory;

import java.util.List;
import java.util.Set;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;

/**
 * The directory content {@link DirectoryContract} runs against: two tenants and one person per
 * eligibility, with aliases on both sides. Each implementation's test turns it into its own
 * source (a file, stubbed Graph responses).
 */
public final class DirectoryFixture {
    public static final Tenants TENANTS = Tenants.of(
        ImmutableSet.of(Domain.of("source.example"), Domain.of("source-legacy.example")),
        ImmutableSet.of(Domain.of("target.example")));

    /** DayOne, mailbox still in the source tenant, aliases on both sides. */
    public static final Person ALICE = person("alice@source.example", "alice@target.example",
        ImmutableList.of("a.smith@source.example", "alice@source-legacy.example"), ImmutableList.of("alice.smith@target.example"),
        Tenant.SOURCE, ImmutableSet.of(Group.DAY_ONE));
    /** DayTwo, mailbox already in the target tenant. */
    public static final Person BOB = person("bob@source.example", "bob@target.example",
        ImmutableList.of(), ImmutableList.of("b.jones@target.example"), Tenant.TARGET, ImmutableSet.of(Group.DAY_TWO));
    /** In neither group: never rewritten. */
    public static final Person CAROL = person("carol@source.example", "carol@target.example",
        ImmutableList.of(), ImmutableList.of(), Tenant.SOURCE, ImmutableSet.of());
    /** In both groups: a conflict. */
    public static final Person DAVE = person("dave@source.example", "dave@target.example",
        ImmutableList.of(), ImmutableList.of(), Tenant.TARGET, ImmutableSet.of(Group.DAY_ONE, Group.DAY_TWO));

    private static final DirectoryFixture STANDARD = new DirectoryFixture(TENANTS, ImmutableList.of(ALICE, BOB, CAROL, DAVE));

    private final Tenants tenants;
    private final List<Person> people;

    private DirectoryFixture(Tenants tenants, List<Person> people) {
        this.tenants = tenants;
        this.people = people;
    }

    public static DirectoryFixture standard() {
        return STANDARD;
    }

    public static DirectoryFixture of(Tenants tenants, List<Person> people) {
        return new DirectoryFixture(tenants, ImmutableList.copyOf(people));
    }

    public Tenants tenants() {
        return tenants;
    }

    public List<Person> people() {
        return people;
    }

    private static Person person(String source, String target, List<String> sourceAliases, List<String> targetAliases,
                                 Tenant mailbox, Set<Group> groups) {
        return Person.of(Address.parse(source), Address.parse(target),
            sourceAliases.stream().map(Address::parse).collect(ImmutableList.toImmutableList()),
            targetAliases.stream().map(Address::parse).collect(ImmutableList.toImmutableList()),
            mailbox, groups);
    }
}
