package org.t2trewrite.graph;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Tenants;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;

/**
 * Turns what Graph said about both tenants into a {@link DirectorySnapshot}: pairs each source user with its
 * target counterpart by the {@link MatchRule}, takes aliases from {@code proxyAddresses}, eligibility from
 * group membership in either tenant, and the mailbox location from the target user.
 *
 * <p>Rules, each chosen so that one bad entry in Entra ID never costs the whole snapshot:
 * <ul>
 *   <li>Primary address: {@code mail}, else the {@code SMTP:} proxy address; a user with neither is not
 *   mail-enabled and is ignored.</li>
 *   <li>Aliases: every {@code smtp:}/{@code SMTP:} proxy address (other types such as {@code x500:} are not mail
 *   addresses), except those in a domain of the other tenant: migration tools stamp such addresses on purpose
 *   and they identify the counterpart, not this user.</li>
 *   <li>Mailbox: {@code TARGET} when Exchange Online has provisioned a mailbox for the target user, otherwise
 *   {@code SOURCE} (the target object is still a mail user waiting for the move).</li>
 *   <li>A user whose primary address is in the other tenant's domain, a match value shared by two users of one
 *   tenant, and an address claimed by two people: those people are left out, and reported as problems.</li>
 * </ul>
 * Does no I/O.
 */
final class SnapshotBuilder {

    /** A snapshot and what had to be left out of it. */
    static final class Result {
        private final DirectorySnapshot snapshot;
        private final List<String> problems;

        Result(DirectorySnapshot snapshot, List<String> problems) {
            this.snapshot = snapshot;
            this.problems = ImmutableList.copyOf(problems);
        }

        DirectorySnapshot snapshot() {
            return snapshot;
        }

        /** Human-readable, one per left-out user or person, sorted. */
        List<String> problems() {
            return problems;
        }
    }

    /** One tenant's side of a person, read from one user. */
    private static final class Side {
        final GraphUser user;
        final Address primary;
        final List<Address> aliases;

        Side(GraphUser user, Address primary, List<Address> aliases) {
            this.user = user;
            this.primary = primary;
            this.aliases = aliases;
        }
    }

    private final MatchRule match;

    SnapshotBuilder(MatchRule match) {
        this.match = Objects.requireNonNull(match);
    }

    /**
     * @param users every user of each tenant
     * @param members the user ids that are transitive members of each group, per tenant
     */
    Result build(Tenants tenants, Map<Tenant, ? extends Collection<GraphUser>> users,
                 Map<Tenant, Map<Group, Set<String>>> members, Instant asOf) {
        List<String> problems = new ArrayList<>();
        Map<Tenant, Map<String, List<Side>>> byKey = new EnumMap<>(Tenant.class);
        for (Tenant tenant : Tenant.values()) {
            byKey.put(tenant, sides(tenant, tenants, users.get(tenant), problems));
        }
        Map<Tenant, Map<Group, Set<String>>> memberIds = members;
        List<Person> candidates = new ArrayList<>();
        Set<String> pairedIds = new HashSet<>();
        for (Map.Entry<String, List<Side>> entry : byKey.get(Tenant.SOURCE).entrySet()) {
            List<Side> sources = entry.getValue();
            List<Side> targets = byKey.get(Tenant.TARGET).get(entry.getKey());
            if (targets == null) {
                continue;
            }
            if (sources.size() > 1 || targets.size() > 1) {
                problems.add(match + " '" + entry.getKey() + "' is shared by " + labels(sources) + " and " + labels(targets)
                    + ": none of them is paired");
                sources.forEach(side -> pairedIds.add(side.user.id()));
                targets.forEach(side -> pairedIds.add(side.user.id()));
                continue;
            }
            Side source = sources.get(0);
            Side target = targets.get(0);
            pairedIds.add(source.user.id());
            pairedIds.add(target.user.id());
            if (source.primary.equals(target.primary)) {
                problems.add(source.user.label() + " and " + target.user.label() + " have the same address " + source.primary);
                continue;
            }
            Set<Group> groups = EnumSet.noneOf(Group.class);
            for (Group group : Group.values()) {
                if (isMember(memberIds, Tenant.SOURCE, group, source.user.id())
                    || isMember(memberIds, Tenant.TARGET, group, target.user.id())) {
                    groups.add(group);
                }
            }
            Tenant mailbox = target.user.hasMailbox() ? Tenant.TARGET : Tenant.SOURCE;
            candidates.add(Person.of(source.primary, target.primary, source.aliases, target.aliases, mailbox, groups));
        }
        reportUnpairedMembers(users, memberIds, pairedIds, problems);
        List<Person> people = withoutSharedAddresses(candidates, problems);
        problems.sort(String::compareTo);
        return new Result(DirectorySnapshot.of(tenants, people, asOf), problems);
    }

    private Map<String, List<Side>> sides(Tenant tenant, Tenants tenants, Collection<GraphUser> users, List<String> problems) {
        Map<String, List<Side>> byKey = new HashMap<>();
        if (users == null) {
            return byKey;
        }
        for (GraphUser user : users) {
            Optional<Side> side = side(tenant, tenants, user, problems);
            if (side.isEmpty()) {
                continue;
            }
            Optional<String> key = match.equals(MatchRule.LOCAL_PART)
                ? MatchRule.key(side.get().primary.localPart())
                : MatchRule.key(user.matchAttribute().orElse(null));
            key.ifPresent(k -> byKey.computeIfAbsent(k, ignored -> new ArrayList<>(1)).add(side.get()));
        }
        return byKey;
    }

    private static Optional<Side> side(Tenant tenant, Tenants tenants, GraphUser user, List<String> problems) {
        Optional<Address> primary = Optional.empty();
        List<Address> proxies = new ArrayList<>();
        for (String proxy : user.proxyAddresses()) {
            int colon = proxy.indexOf(':');
            if (colon < 0 || !proxy.substring(0, colon).equalsIgnoreCase("smtp")) {
                continue;
            }
            Optional<Address> address = parse(proxy.substring(colon + 1));
            if (address.isEmpty()) {
                problems.add(tenant.configName() + " user " + user.label() + ": proxy address '" + proxy + "' is not an address");
                continue;
            }
            // "SMTP:" (upper case) marks the primary address in Exchange; "smtp:" an alias.
            if (proxy.startsWith("SMTP:") && primary.isEmpty()) {
                primary = address;
            }
            proxies.add(address.get());
        }
        if (user.mail().isPresent()) {
            Optional<Address> mail = parse(user.mail().get());
            if (mail.isEmpty()) {
                problems.add(tenant.configName() + " user " + user.label() + ": mail '" + user.mail().get() + "' is not an address");
                return Optional.empty();
            }
            primary = mail;
        }
        if (primary.isEmpty()) {
            return Optional.empty();
        }
        Optional<Tenant> primaryTenant = tenants.tenantOf(primary.get().domain());
        if (primaryTenant.isPresent() && primaryTenant.get() != tenant) {
            problems.add(tenant.configName() + " user " + user.label() + ": primary address " + primary.get()
                + " is in a " + primaryTenant.get().configName() + " domain");
            return Optional.empty();
        }
        Set<Address> aliases = new java.util.LinkedHashSet<>();
        for (Address proxy : proxies) {
            Optional<Tenant> aliasTenant = tenants.tenantOf(proxy.domain());
            if (!proxy.equals(primary.get()) && (aliasTenant.isEmpty() || aliasTenant.get() == tenant)) {
                aliases.add(proxy);
            }
        }
        return Optional.of(new Side(user, primary.get(), ImmutableList.copyOf(aliases)));
    }

    private static Optional<Address> parse(String value) {
        try {
            return Optional.of(Address.parse(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean isMember(Map<Tenant, Map<Group, Set<String>>> members, Tenant tenant, Group group, String userId) {
        Map<Group, Set<String>> groups = members.get(tenant);
        Set<String> ids = groups == null ? null : groups.get(group);
        return ids != null && ids.contains(userId);
    }

    private static void reportUnpairedMembers(Map<Tenant, ? extends Collection<GraphUser>> users,
                                              Map<Tenant, Map<Group, Set<String>>> members, Set<String> pairedIds,
                                              List<String> problems) {
        for (Tenant tenant : Tenant.values()) {
            Collection<GraphUser> tenantUsers = users.get(tenant);
            if (tenantUsers == null) {
                continue;
            }
            Map<String, GraphUser> byId = new HashMap<>();
            Set<String> memberIds = new HashSet<>();
            for (Group group : Group.values()) {
                if (members.get(tenant) != null && members.get(tenant).get(group) != null) {
                    memberIds.addAll(members.get(tenant).get(group));
                }
            }
            if (memberIds.isEmpty()) {
                continue;
            }
            for (GraphUser user : tenantUsers) {
                if (memberIds.contains(user.id()) && !pairedIds.contains(user.id())) {
                    byId.put(user.id(), user);
                }
            }
            for (GraphUser user : byId.values()) {
                problems.add(tenant.configName() + " user " + user.label() + " is in an eligibility group but has no counterpart in the "
                    + tenant.other().configName() + " tenant");
            }
        }
    }

    private static List<Person> withoutSharedAddresses(List<Person> candidates, List<String> problems) {
        Map<Address, List<Person>> claims = new HashMap<>();
        for (Person person : candidates) {
            for (Tenant tenant : Tenant.values()) {
                for (Address address : person.addresses(tenant)) {
                    List<Person> claimants = claims.computeIfAbsent(address, ignored -> new ArrayList<>(1));
                    if (!claimants.contains(person)) {
                        claimants.add(person);
                    }
                }
            }
        }
        Map<Person, Boolean> dropped = new IdentityHashMap<>();
        Map<Address, List<Person>> shared = new LinkedHashMap<>();
        claims.forEach((address, claimants) -> {
            if (claimants.size() > 1) {
                shared.put(address, claimants);
                claimants.forEach(person -> dropped.put(person, Boolean.TRUE));
            }
        });
        shared.forEach((address, claimants) -> problems.add("address " + address.toString().toLowerCase(Locale.ROOT)
            + " is claimed by " + claimants.stream().map(person -> person.source().toString()).sorted()
            .collect(ImmutableList.toImmutableList()) + ": none of them is rewritten"));
        if (dropped.isEmpty()) {
            return candidates;
        }
        List<Person> kept = new ArrayList<>(candidates.size());
        for (Person person : candidates) {
            if (!dropped.containsKey(person)) {
                kept.add(person);
            }
        }
        return kept;
    }

    private static Set<String> labels(List<Side> sides) {
        ImmutableSet.Builder<String> labels = ImmutableSet.builder();
        sides.forEach(side -> labels.add(side.user.label()));
        return labels.build();
    }
}
