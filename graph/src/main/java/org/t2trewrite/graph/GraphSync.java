package org.t2trewrite.graph;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.Tenants;
import org.t2trewrite.graph.GraphTenantClient.GroupChanges;
import org.t2trewrite.graph.GraphTenantClient.Members;
import org.t2trewrite.graph.GraphTenantClient.UserChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;

/**
 * Keeps both tenants' users and group memberships current and builds snapshots from them.
 *
 * <p>Per tenant, the first cycle is a full read: a {@code /groups/delta} link taken with
 * {@code $deltatoken=latest} <em>before</em> reading anything (so no change made during the read is missed),
 * every user through {@code /users/delta} to its delta link, the verified domains unless configured, and each
 * eligibility group's {@code transitiveMembers}. Later cycles follow the two delta links: user changes are
 * applied one by one; a change of an eligibility group, of a group nested in one, or of a group carrying a
 * configured name re-reads the groups' transitive members (nesting makes a group delta alone insufficient).
 * A delta link Graph rejects ({@link DeltaExpiredException}) makes that tenant start over with a full read.
 *
 * <p>An eligibility group found in neither tenant has no members and is reported as a problem rather than
 * failing the sync: the other group keeps working. Not thread-safe: one sync thread owns it.
 */
final class GraphSync {
    private static final Logger LOGGER = LoggerFactory.getLogger(GraphSync.class);

    /** What is known about one tenant; replaced whole by a full read, updated in place by deltas. */
    private static final class TenantState {
        final Map<String, GraphUser> users;
        final Set<Domain> domains;
        String usersDeltaLink;
        String groupsDeltaLink;
        Map<Group, Optional<String>> groupIds;
        Map<Group, Members> members;

        TenantState(Map<String, GraphUser> users, Set<Domain> domains, String usersDeltaLink, String groupsDeltaLink,
                    Map<Group, Optional<String>> groupIds, Map<Group, Members> members) {
            this.users = users;
            this.domains = domains;
            this.usersDeltaLink = usersDeltaLink;
            this.groupsDeltaLink = groupsDeltaLink;
            this.groupIds = groupIds;
            this.members = members;
        }
    }

    private final GraphDirectoryConfig config;
    private final Map<Tenant, GraphTenantClient> clients;
    private final SnapshotBuilder builder;
    private final Clock clock;
    private final Map<Tenant, TenantState> states = new EnumMap<>(Tenant.class);
    private int fullSyncs;
    /** Changes applied to the states but not yet in a snapshot (a cycle can fail after applying some). */
    private boolean dirty;

    GraphSync(GraphDirectoryConfig config, Map<Tenant, GraphTenantClient> clients, Clock clock) {
        this.config = Objects.requireNonNull(config);
        this.clients = ImmutableMap.copyOf(clients);
        this.builder = new SnapshotBuilder(config.match());
        this.clock = Objects.requireNonNull(clock);
    }

    /** How many full reads (start-up and resyncs) have run, over both tenants. */
    int fullSyncs() {
        return fullSyncs;
    }

    /**
     * Brings both tenants up to date.
     *
     * @return a new snapshot when anything changed, empty when nothing did
     * @throws RuntimeException from Graph or authentication; what was read so far is kept for the next cycle,
     *         whose delta links still point before it
     */
    Optional<SnapshotBuilder.Result> cycle() {
        for (Tenant tenant : Tenant.values()) {
            TenantState state = states.get(tenant);
            if (state == null) {
                states.put(tenant, fullRead(tenant));
                dirty = true;
                continue;
            }
            try {
                if (followDeltas(tenant, state)) {
                    dirty = true;
                }
            } catch (DeltaExpiredException e) {
                LOGGER.info("Graph rejected the {} tenant's delta link ({}): reading the tenant again", tenant.configName(), e.getMessage());
                states.remove(tenant);
                states.put(tenant, fullRead(tenant));
                dirty = true;
            }
        }
        if (!dirty) {
            return Optional.empty();
        }
        SnapshotBuilder.Result result = build();
        dirty = false;
        return Optional.of(result);
    }

    private TenantState fullRead(Tenant tenant) {
        GraphTenantClient client = clients.get(tenant);
        String groupsDeltaLink = client.latestGroupsDeltaLink();
        UserChanges users = client.users(Optional.empty());
        Map<String, GraphUser> byId = new HashMap<>(users.upserts.size() * 2);
        for (GraphUser user : users.upserts) {
            byId.put(user.id(), user);
        }
        Set<Domain> domains = config.tenant(tenant).domains().orElseGet(client::verifiedDomains);
        Map<Group, Optional<String>> groupIds = findGroups(client);
        fullSyncs++;
        return new TenantState(byId, domains, users.deltaLink, groupsDeltaLink, groupIds, readMembers(client, groupIds));
    }

    private Map<Group, Optional<String>> findGroups(GraphTenantClient client) {
        Map<Group, Optional<String>> ids = new EnumMap<>(Group.class);
        for (Group group : Group.values()) {
            ids.put(group, client.findGroup(config.group(group)));
        }
        return ids;
    }

    private static Map<Group, Members> readMembers(GraphTenantClient client, Map<Group, Optional<String>> groupIds) {
        Map<Group, Members> members = new EnumMap<>(Group.class);
        for (Group group : Group.values()) {
            members.put(group, groupIds.get(group).map(client::transitiveMembers)
                .orElseGet(() -> new Members(ImmutableSet.of(), ImmutableSet.of())));
        }
        return members;
    }

    private boolean followDeltas(Tenant tenant, TenantState state) {
        GraphTenantClient client = clients.get(tenant);
        boolean changed = false;
        UserChanges users = client.users(Optional.of(state.usersDeltaLink));
        for (GraphUser user : users.upserts) {
            changed |= !user.equals(state.users.put(user.id(), user));
        }
        for (String removed : users.removals) {
            changed |= state.users.remove(removed) != null;
        }
        dirty |= changed;
        GroupChanges groups = client.groupChanges(state.groupsDeltaLink);
        if (concernsEligibility(state, groups)) {
            Map<Group, Optional<String>> groupIds = findGroups(client);
            Map<Group, Members> members = readMembers(client, groupIds);
            changed |= !groupIds.equals(state.groupIds) || !sameMembers(members, state.members);
            state.groupIds = groupIds;
            state.members = members;
        }
        // Only now, with every change applied: a failure above retries from the old links next cycle.
        state.usersDeltaLink = users.deltaLink;
        state.groupsDeltaLink = groups.deltaLink;
        return changed;
    }

    private boolean concernsEligibility(TenantState state, GroupChanges changes) {
        for (Group group : Group.values()) {
            Optional<String> id = state.groupIds.get(group);
            if (id.isPresent() && changes.changedIds.contains(id.get())) {
                return true;
            }
            if (changes.changedNames.contains(config.group(group).toLowerCase(Locale.ROOT))) {
                return true;
            }
            for (String nested : state.members.get(group).groupIds) {
                if (changes.changedIds.contains(nested)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean sameMembers(Map<Group, Members> a, Map<Group, Members> b) {
        for (Group group : Group.values()) {
            if (!a.get(group).userIds.equals(b.get(group).userIds) || !a.get(group).groupIds.equals(b.get(group).groupIds)) {
                return false;
            }
        }
        return true;
    }

    private SnapshotBuilder.Result build() {
        Tenants tenants = Tenants.of(states.get(Tenant.SOURCE).domains, states.get(Tenant.TARGET).domains);
        Map<Tenant, java.util.Collection<GraphUser>> users = new EnumMap<>(Tenant.class);
        Map<Tenant, Map<Group, Set<String>>> members = new EnumMap<>(Tenant.class);
        for (Tenant tenant : Tenant.values()) {
            TenantState state = states.get(tenant);
            users.put(tenant, state.users.values());
            Map<Group, Set<String>> ids = new EnumMap<>(Group.class);
            state.members.forEach((group, groupMembers) -> ids.put(group, groupMembers.userIds));
            members.put(tenant, ids);
        }
        SnapshotBuilder.Result result = builder.build(tenants, users, members, clock.instant());
        List<String> groupProblems = new ArrayList<>();
        for (Group group : Group.values()) {
            Set<Tenant> found = new HashSet<>();
            for (Tenant tenant : Tenant.values()) {
                if (states.get(tenant).groupIds.get(group).isPresent()) {
                    found.add(tenant);
                }
            }
            if (found.isEmpty()) {
                groupProblems.add(group.configName() + " group '" + config.group(group)
                    + "' exists in neither tenant: nobody is " + group.configName());
            }
        }
        if (groupProblems.isEmpty()) {
            return result;
        }
        groupProblems.addAll(result.problems());
        return new SnapshotBuilder.Result(result.snapshot(), groupProblems);
    }

    /** Member counts per group and tenant, as of the last cycle: for reports. */
    Map<Tenant, Map<Group, Integer>> memberCounts() {
        Map<Tenant, Map<Group, Integer>> counts = new EnumMap<>(Tenant.class);
        states.forEach((tenant, state) -> {
            Map<Group, Integer> perGroup = new EnumMap<>(Group.class);
            state.members.forEach((group, members) -> perGroup.put(group, members.userIds.size()));
            counts.put(tenant, perGroup);
        });
        return counts;
    }

    /** The group ids found per tenant, as of the last cycle: for reports. */
    Map<Tenant, Map<Group, Optional<String>>> groupIds() {
        Map<Tenant, Map<Group, Optional<String>>> ids = new EnumMap<>(Tenant.class);
        states.forEach((tenant, state) -> ids.put(tenant, new EnumMap<>(state.groupIds)));
        return ids;
    }
}
