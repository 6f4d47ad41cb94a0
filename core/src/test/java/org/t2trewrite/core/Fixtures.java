package org.t2trewrite.core;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Tenants;

/**
 * The directory of the design's scenarios, as a snapshot: alice and bob (DayOne, mailbox in
 * source), carol (DayTwo, mailbox in target), dave (no group, source), erin (DayOne, mailbox in
 * target: cut over), frank (no group), gina (both groups: a conflict).
 */
public final class Fixtures {
    public static final Tenants TENANTS = Tenants.of(Set.of(Domain.of("source.example")), Set.of(Domain.of("target.example")));

    private Fixtures() {
    }

    public static Person person(String name, Tenant mailbox, Group... groups) {
        return person(name, List.of(), List.of(), mailbox, groups);
    }

    public static Person person(String name, List<String> sourceAliases, List<String> targetAliases, Tenant mailbox, Group... groups) {
        return Person.of(Address.parse(name + "@source.example"), Address.parse(name + "@target.example"),
            sourceAliases.stream().map(Address::parse).collect(Collectors.toList()),
            targetAliases.stream().map(Address::parse).collect(Collectors.toList()),
            mailbox, Stream.of(groups).collect(Collectors.toSet()));
    }

    public static DirectorySnapshot scenarioDirectory() {
        return DirectorySnapshot.of(TENANTS, List.of(
            person("alice", List.of("a.smith@source.example"), List.of(), Tenant.SOURCE, Group.DAY_ONE),
            person("bob", Tenant.SOURCE, Group.DAY_ONE),
            person("carol", Tenant.TARGET, Group.DAY_TWO),
            person("dave", Tenant.SOURCE),
            person("erin", Tenant.TARGET, Group.DAY_ONE),
            person("frank", Tenant.SOURCE),
            person("gina", Tenant.SOURCE, Group.DAY_ONE, Group.DAY_TWO)), Instant.EPOCH);
    }

    public static Address address(String value) {
        return Address.parse(value);
    }
}
