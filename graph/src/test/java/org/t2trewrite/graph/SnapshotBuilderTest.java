package org.t2trewrite.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.Tenants;

class SnapshotBuilderTest {
    private static final Tenants TENANTS = Tenants.of(Set.of(Domain.of("source.example")), Set.of(Domain.of("target.example")));
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

    private static GraphUser user(String id, String mail, String match, boolean mailbox, String... proxies) {
        return new GraphUser(id, Optional.ofNullable(mail), Optional.of(id + "@upn.example"), List.of(proxies),
            Optional.ofNullable(match), mailbox);
    }

    private static SnapshotBuilder.Result build(MatchRule rule, List<GraphUser> source, List<GraphUser> target,
                                                Set<String> sourceDayOne) {
        Map<Tenant, List<GraphUser>> users = new EnumMap<>(Tenant.class);
        users.put(Tenant.SOURCE, source);
        users.put(Tenant.TARGET, target);
        Map<Tenant, Map<Group, Set<String>>> members = new EnumMap<>(Tenant.class);
        members.put(Tenant.SOURCE, Map.of(Group.DAY_ONE, sourceDayOne));
        return new SnapshotBuilder(rule).build(TENANTS, users, members, NOW);
    }

    @Test
    void primaryFallsBackToUpperCaseSmtpProxyAndOnlySmtpProxiesBecomeAliases() {
        SnapshotBuilder.Result result = build(MatchRule.LOCAL_PART,
            List.of(user("s1", null, null, true, "smtp:al@source.example", "SMTP:ann@source.example", "x500:/o=x", "sip:ann@source.example")),
            List.of(user("t1", "ann@target.example", null, false)), Set.of());

        Person ann = result.snapshot().people().get(0);
        assertThat(ann.source()).isEqualTo(Address.parse("ann@source.example"));
        assertThat(ann.aliases(Tenant.SOURCE)).containsExactly(Address.parse("al@source.example"));
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void employeeIdPairsUsersWithDifferentLocalParts() {
        SnapshotBuilder.Result result = build(MatchRule.EMPLOYEE_ID,
            List.of(user("s1", "ann.smith@source.example", "E42", true)),
            List.of(user("t1", "asmith@target.example", " e42 ", false)), Set.of("s1"));

        Person ann = result.snapshot().people().get(0);
        assertThat(ann.target()).isEqualTo(Address.parse("asmith@target.example"));
        assertThat(ann.groups()).containsExactly(Group.DAY_ONE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "primary address in the other tenant's domain | ann@target.example | ann@target.example | source user s1@upn.example: primary address ann@target.example is in a target domain",
        "match value shared by two target users | ann@source.example | ann@target.example | localPart 'ann' is shared by",
        "unparsable mail | not-an-address | ann@target.example | source user s1@upn.example: mail 'not-an-address' is not an address",
    })
    void dataErrorLeavesThePersonOutAndSaysWhy(String name, String sourceMail, String targetMail, String problem) {
        List<GraphUser> targets = name.startsWith("match value")
            ? List.of(user("t1", targetMail, null, false), user("t2", "ANN@target.example", null, false))
            : List.of(user("t1", targetMail, null, false));

        SnapshotBuilder.Result result = build(MatchRule.LOCAL_PART,
            List.of(user("s1", sourceMail, null, true), user("s9", "zed@source.example", null, true)),
            append(targets, user("t9", "zed@target.example", null, false)), Set.of());

        assertThat(result.snapshot().people()).extracting(person -> person.source().toString()).containsExactly("zed@source.example");
        assertThat(result.problems()).anySatisfy(text -> assertThat(text).contains(problem));
    }

    @Test
    void groupMemberWithoutCounterpartIsReported() {
        SnapshotBuilder.Result result = build(MatchRule.LOCAL_PART,
            List.of(user("s1", "ann@source.example", null, true)), List.of(), Set.of("s1"));

        assertThat(result.snapshot().people()).isEmpty();
        assertThat(result.problems()).containsExactly(
            "source user s1@upn.example is in an eligibility group but has no counterpart in the target tenant");
    }

    @ParameterizedTest(name = "Retry-After: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {"7 | PT7S", "0 | PT0S", "soon | ", " | "})
    void retryAfterIsReadAsSeconds(String header, String expected) {
        assertThat(RetryInterceptor.retryAfter(header, NOW)).isEqualTo(Optional.ofNullable(expected).map(Duration::parse));
    }

    @Test
    void retryAfterIsReadAsHttpDate() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.parse("2024-05-01T10:00:30Z"));

        assertThat(RetryInterceptor.retryAfter(date, NOW)).contains(Duration.ofSeconds(30));
    }

    private static List<GraphUser> append(List<GraphUser> users, GraphUser user) {
        List<GraphUser> all = new java.util.ArrayList<>(users);
        all.add(user);
        return all;
    }
}
