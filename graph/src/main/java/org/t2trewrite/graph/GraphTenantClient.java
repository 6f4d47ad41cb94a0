package org.t2trewrite.graph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.graph.GraphDirectoryConfig.TenantConfig;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.microsoft.graph.BaseGraphServiceClient;
import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.DirectoryObjectCollectionResponse;
import com.microsoft.graph.models.DomainCollectionResponse;
import com.microsoft.graph.models.GroupCollectionResponse;
import com.microsoft.graph.models.OnPremisesExtensionAttributes;
import com.microsoft.graph.models.ProvisionedPlan;
import com.microsoft.graph.models.User;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;

/**
 * The Graph calls the directory makes for one tenant, through the Graph SDK, each answering our own values.
 * Pages through {@code @odata.nextLink} until the end (or the {@code @odata.deltaLink}); the links are followed
 * verbatim, as Graph requires.
 *
 * <p>Does not retry (the HTTP client's {@link RetryInterceptor} does) and keeps no state between calls.
 */
final class GraphTenantClient {
    static final String[] USER_FIELDS = {"id", "mail", "userPrincipalName", "proxyAddresses", "employeeId",
        "onPremisesExtensionAttributes", "provisionedPlans"};
    private static final Pattern OBJECT_ID = Pattern.compile(
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** One page-through of {@code /users/delta}: changed (or all) users, removed ids, and the next delta link. */
    static final class UserChanges {
        final List<GraphUser> upserts;
        final Set<String> removals;
        final String deltaLink;

        UserChanges(List<GraphUser> upserts, Set<String> removals, String deltaLink) {
            this.upserts = upserts;
            this.removals = removals;
            this.deltaLink = deltaLink;
        }
    }

    /** One page-through of {@code /groups/delta}: the groups that changed (or were removed), with their names. */
    static final class GroupChanges {
        final Set<String> changedIds;
        final Set<String> changedNames;
        final String deltaLink;

        GroupChanges(Set<String> changedIds, Set<String> changedNames, String deltaLink) {
            this.changedIds = changedIds;
            this.changedNames = changedNames;
            this.deltaLink = deltaLink;
        }
    }

    /** A group's transitive members: users, and the nested groups through which they belong. */
    static final class Members {
        final Set<String> userIds;
        final Set<String> groupIds;

        Members(Set<String> userIds, Set<String> groupIds) {
            this.userIds = userIds;
            this.groupIds = groupIds;
        }
    }

    private final TenantConfig tenant;
    private final BaseGraphServiceClient client;
    private final String baseUrl;
    private final MatchRule match;
    private final ClientCredentialsAuthenticationProvider authentication;

    GraphTenantClient(TenantConfig tenant, BaseGraphServiceClient client, String baseUrl, MatchRule match,
                      ClientCredentialsAuthenticationProvider authentication) {
        this.tenant = Objects.requireNonNull(tenant);
        this.client = Objects.requireNonNull(client);
        this.baseUrl = Objects.requireNonNull(baseUrl);
        this.match = Objects.requireNonNull(match);
        this.authentication = Objects.requireNonNull(authentication);
    }

    Tenant tenant() {
        return tenant.tenant();
    }

    /** Gets a token now: proves the credentials without touching the directory. */
    void authenticate() {
        authentication.accessToken();
    }

    /** Every user (from scratch) when {@code deltaLink} is empty, else the changes since it. */
    UserChanges users(Optional<String> deltaLink) {
        List<GraphUser> upserts = new ArrayList<>();
        Set<String> removals = new HashSet<>();
        com.microsoft.graph.users.delta.DeltaGetResponse page = call(deltaLink.isPresent(), () -> deltaLink.isPresent()
            ? client.users().delta().withUrl(deltaLink.get()).get()
            : client.users().delta().get(request -> request.queryParameters.select = USER_FIELDS));
        while (true) {
            for (User user : nonNull(page.getValue())) {
                if (user.getAdditionalData().containsKey("@removed")) {
                    removals.add(user.getId());
                } else {
                    upserts.add(toGraphUser(user));
                }
            }
            if (page.getOdataNextLink() != null) {
                String next = page.getOdataNextLink();
                page = call(deltaLink.isPresent(), () -> client.users().delta().withUrl(next).get());
            } else {
                return new UserChanges(upserts, removals, requireDeltaLink(page.getOdataDeltaLink(), "/users/delta"));
            }
        }
    }

    /** A delta link for {@code /groups/delta} that starts now, without reading any group ({@code $deltatoken=latest}). */
    String latestGroupsDeltaLink() {
        String url = baseUrl + "/groups/delta?$select=displayName,members&$deltatoken=latest";
        com.microsoft.graph.groups.delta.DeltaGetResponse page = client.groups().delta().withUrl(url).get();
        while (page.getOdataNextLink() != null) {
            String next = page.getOdataNextLink();
            page = client.groups().delta().withUrl(next).get();
        }
        return requireDeltaLink(page.getOdataDeltaLink(), "/groups/delta");
    }

    /** The groups changed since {@code deltaLink}: any change of name or membership, or a removal. */
    GroupChanges groupChanges(String deltaLink) {
        Set<String> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        com.microsoft.graph.groups.delta.DeltaGetResponse page = call(true, () -> client.groups().delta().withUrl(deltaLink).get());
        while (true) {
            for (com.microsoft.graph.models.Group group : nonNull(page.getValue())) {
                ids.add(group.getId());
                if (group.getDisplayName() != null) {
                    names.add(group.getDisplayName().toLowerCase(Locale.ROOT));
                }
            }
            if (page.getOdataNextLink() == null) {
                return new GroupChanges(ids, names, requireDeltaLink(page.getOdataDeltaLink(), "/groups/delta"));
            }
            String next = page.getOdataNextLink();
            page = call(true, () -> client.groups().delta().withUrl(next).get());
        }
    }

    /**
     * The object id of the group configured as {@code nameOrId}: an object id is checked to exist, a display
     * name must match exactly one group.
     *
     * @throws IllegalStateException when two groups have that display name
     */
    Optional<String> findGroup(String nameOrId) {
        if (OBJECT_ID.matcher(nameOrId).matches()) {
            try {
                com.microsoft.graph.models.Group group = client.groups().byGroupId(nameOrId)
                    .get(request -> request.queryParameters.select = new String[] {"id", "displayName"});
                return Optional.of(group.getId());
            } catch (ApiException e) {
                if (e.getResponseStatusCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        }
        GroupCollectionResponse found = client.groups().get(request -> {
            request.queryParameters.filter = "displayName eq '" + nameOrId.replace("'", "''") + "'";
            request.queryParameters.select = new String[] {"id", "displayName"};
        });
        List<com.microsoft.graph.models.Group> groups = nonNull(found.getValue());
        if (groups.size() > 1) {
            throw new IllegalStateException(groups.size() + " groups are named '" + nameOrId + "' in the "
                + tenant.tenant().configName() + " tenant; configure the group by object id");
        }
        return groups.stream().map(com.microsoft.graph.models.Group::getId).findFirst();
    }

    /** Members of a group at any depth ({@code /groups/{id}/transitiveMembers}). */
    Members transitiveMembers(String groupId) {
        Set<String> users = new LinkedHashSet<>();
        Set<String> groups = new LinkedHashSet<>();
        DirectoryObjectCollectionResponse page = client.groups().byGroupId(groupId).transitiveMembers()
            .get(request -> {
                request.queryParameters.select = new String[] {"id"};
                request.queryParameters.top = 999;
            });
        while (true) {
            for (DirectoryObject member : nonNull(page.getValue())) {
                if (member instanceof User) {
                    users.add(member.getId());
                } else if (member instanceof com.microsoft.graph.models.Group) {
                    groups.add(member.getId());
                }
            }
            if (page.getOdataNextLink() == null) {
                return new Members(users, groups);
            }
            String next = page.getOdataNextLink();
            page = client.groups().byGroupId(groupId).transitiveMembers().withUrl(next).get();
        }
    }

    /** The tenant's verified domains ({@code /domains}). */
    Set<Domain> verifiedDomains() {
        ImmutableSet.Builder<Domain> domains = ImmutableSet.builder();
        DomainCollectionResponse page = client.domains().get();
        while (true) {
            for (com.microsoft.graph.models.Domain domain : nonNull(page.getValue())) {
                if (Boolean.TRUE.equals(domain.getIsVerified()) && domain.getId() != null) {
                    domains.add(Domain.of(domain.getId()));
                }
            }
            if (page.getOdataNextLink() == null) {
                return domains.build();
            }
            String next = page.getOdataNextLink();
            page = client.domains().withUrl(next).get();
        }
    }

    /** Creates a security group (not mail-enabled) and answers its object id. */
    String createGroup(String displayName) {
        com.microsoft.graph.models.Group group = new com.microsoft.graph.models.Group();
        group.setDisplayName(displayName);
        group.setDescription("Mail address rewriting eligibility (t2t-rewrite)");
        group.setSecurityEnabled(true);
        group.setMailEnabled(false);
        group.setMailNickname(displayName.replaceAll("[^A-Za-z0-9-]", "").toLowerCase(Locale.ROOT));
        return client.groups().post(group).getId();
    }

    private GraphUser toGraphUser(User user) {
        return new GraphUser(user.getId(), Optional.ofNullable(user.getMail()),
            Optional.ofNullable(user.getUserPrincipalName()), nonNull(user.getProxyAddresses()),
            matchAttribute(user), hasExchangeMailbox(user));
    }

    private Optional<String> matchAttribute(User user) {
        if (match.equals(MatchRule.EMPLOYEE_ID)) {
            return Optional.ofNullable(user.getEmployeeId());
        }
        Optional<Integer> number = match.extensionAttribute();
        if (number.isEmpty()) {
            return Optional.empty();
        }
        OnPremisesExtensionAttributes attributes = user.getOnPremisesExtensionAttributes();
        if (attributes == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(extensionAttribute(attributes, number.get()));
    }

    private static String extensionAttribute(OnPremisesExtensionAttributes a, int number) {
        switch (number) {
            case 1: return a.getExtensionAttribute1();
            case 2: return a.getExtensionAttribute2();
            case 3: return a.getExtensionAttribute3();
            case 4: return a.getExtensionAttribute4();
            case 5: return a.getExtensionAttribute5();
            case 6: return a.getExtensionAttribute6();
            case 7: return a.getExtensionAttribute7();
            case 8: return a.getExtensionAttribute8();
            case 9: return a.getExtensionAttribute9();
            case 10: return a.getExtensionAttribute10();
            case 11: return a.getExtensionAttribute11();
            case 12: return a.getExtensionAttribute12();
            case 13: return a.getExtensionAttribute13();
            case 14: return a.getExtensionAttribute14();
            default: return a.getExtensionAttribute15();
        }
    }

    /**
     * Exchange Online has provisioned a mailbox: a {@code provisionedPlans} entry for service {@code exchange}
     * that is {@code Enabled} and {@code Success}. A mail user (the target object prepared for a cross-tenant
     * move) has none until its mailbox is moved in.
     */
    private static boolean hasExchangeMailbox(User user) {
        for (ProvisionedPlan plan : nonNull(user.getProvisionedPlans())) {
            if ("exchange".equalsIgnoreCase(plan.getService()) && "Enabled".equalsIgnoreCase(plan.getCapabilityStatus())
                && "Success".equalsIgnoreCase(plan.getProvisioningStatus())) {
                return true;
            }
        }
        return false;
    }

    private static String requireDeltaLink(String link, String endpoint) {
        if (link == null) {
            throw new IllegalStateException(endpoint + " ended without @odata.nextLink or @odata.deltaLink");
        }
        return link;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? ImmutableList.of() : list;
    }

    /** Runs a delta call; on a delta link, turns Graph's "start again" answers into {@link DeltaExpiredException}. */
    private static <T> T call(boolean onDeltaLink, java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (ApiException e) {
            if (onDeltaLink && isResyncRequired(e)) {
                throw new DeltaExpiredException("delta link rejected (HTTP " + e.getResponseStatusCode() + ")", e);
            }
            throw e;
        }
    }

    private static boolean isResyncRequired(ApiException e) {
        if (e.getResponseStatusCode() == 410) {
            return true;
        }
        if (e instanceof ODataError && ((ODataError) e).getError() != null) {
            String code = String.valueOf(((ODataError) e).getError().getCode());
            return code.equalsIgnoreCase("resyncRequired") || code.equalsIgnoreCase("syncStateNotFound")
                || code.equalsIgnoreCase("syncStateInvalid");
        }
        return false;
    }
}
