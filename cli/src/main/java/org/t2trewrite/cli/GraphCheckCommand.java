package org.t2trewrite.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.t2trewrite.core.Eligibility;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;
import org.t2trewrite.graph.GraphAdmin;
import org.t2trewrite.graph.GraphDirectoryConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code graph-check}: proves a Graph configuration works before James uses it. Authenticates to both tenants,
 * finds the DayOne and DayTwo groups, runs one full sync, and prints member counts, the people in both groups
 * and the first directory problems.
 *
 * <pre>
 * t2t-rewrite graph-check --config conf/t2t-rewrite.properties [--create-groups [--create-in source|target]]
 * </pre>
 *
 * <ul>
 *   <li>{@code --config} — required — a properties file with the {@code graph.*} keys (other keys are ignored).</li>
 *   <li>{@code --create-groups} — creates a group that exists in neither tenant, as a security group, in the
 *   tenant named by {@code --create-in} (default {@code source}).</li>
 *   <li>{@code --show} — default 10 — how many conflicts and problems to print.</li>
 *   <li>{@code --verbose} — stack traces on failure.</li>
 * </ul>
 * Exit codes: 0 working (conflicts and problems are printed but are not failures), 1 authentication or Graph
 * failure, 2 bad configuration, 3 a group is missing. A failure is one line on stderr.
 */
@Command(name = "graph-check", mixinStandardHelpOptions = true,
    description = "Authenticates to both tenants, finds the eligibility groups, syncs once and reports.")
public final class GraphCheckCommand implements Callable<Integer> {
    public static final int OK = 0;
    public static final int GRAPH_FAILURE = 1;
    public static final int BAD_CONFIGURATION = 2;
    public static final int GROUP_MISSING = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    GraphCheckOptions options;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GraphDirectoryConfig graphConfig;
        Tenant createTenant;
        try {
            graphConfig = GraphDirectoryConfig.from(graphKeys(options.config));
            createTenant = Tenant.parse(options.createIn);
        } catch (IllegalArgumentException e) {
            return fail(err, BAD_CONFIGURATION, "configuration: " + e.getMessage(), e);
        }
        try (GraphAdmin directory = GraphAdmin.open(graphConfig)) {
            for (Tenant tenant : Tenant.values()) {
                directory.authenticate(tenant);
                out.printf("%s: authenticated to tenant %s as client %s%n", tenant.configName(),
                    graphConfig.tenant(tenant).tenantId(), graphConfig.tenant(tenant).clientId());
            }
            for (Group group : Group.values()) {
                String name = graphConfig.group(group);
                boolean found = false;
                for (Tenant tenant : Tenant.values()) {
                    Optional<String> id = directory.findGroup(tenant, name);
                    found |= id.isPresent();
                    out.printf("%s: %s group '%s' %s%n", tenant.configName(), group.configName(), name,
                        id.map(value -> "found (" + value + ")").orElse("not found"));
                }
                if (!found && options.createGroups) {
                    String id = directory.createGroup(createTenant, name);
                    out.printf("%s: %s group '%s' created (%s)%n", createTenant.configName(), group.configName(), name, id);
                } else if (!found) {
                    return fail(err, GROUP_MISSING, group.configName() + " group '" + name
                        + "' exists in neither tenant (create it, or run with --create-groups)", null);
                }
            }
            if (!directory.syncOnce()) {
                return fail(err, GRAPH_FAILURE, "sync failed: " + directory.status().lastFailure().orElse("unknown"), null);
            }
            report(out, directory);
            return OK;
        } catch (DirectoryUnavailableException | RuntimeException e) {
            return fail(err, GRAPH_FAILURE, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    private void report(PrintWriter out, GraphAdmin directory) throws DirectoryUnavailableException {
        Map<Tenant, Map<Group, Integer>> counts = directory.memberCounts();
        for (Tenant tenant : Tenant.values()) {
            for (Group group : Group.values()) {
                out.printf("%s: %s transitive user members: %d%n", tenant.configName(), group.configName(),
                    counts.getOrDefault(tenant, Map.of()).getOrDefault(group, 0));
            }
        }
        DirectorySnapshot snapshot = directory.snapshot();
        out.printf("people paired across tenants: %d (DayOne %d, DayTwo %d, in both groups %d)%n", snapshot.people().size(),
            count(snapshot, Eligibility.DAY_ONE), count(snapshot, Eligibility.DAY_TWO), snapshot.conflicts().size());
        List<Person> conflicts = snapshot.conflicts();
        for (Person person : conflicts.subList(0, Math.min(options.show, conflicts.size()))) {
            out.printf("conflict: %s / %s is in both DayOne and DayTwo: not rewritten%n", person.source(), person.target());
        }
        List<String> problems = directory.status().problems();
        out.printf("directory problems: %d%n", problems.size());
        for (String problem : problems.subList(0, Math.min(options.show, problems.size()))) {
            out.printf("problem: %s%n", problem);
        }
    }

    private static long count(DirectorySnapshot snapshot, Eligibility eligibility) {
        return snapshot.people().stream().filter(person -> person.eligibility() == eligibility).count();
    }

    private int fail(PrintWriter err, int code, String message, Exception e) {
        err.println("graph-check: " + message);
        if (options.verbose && e != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    static Map<String, String> graphKeys(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> keys = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(GraphDirectoryConfig.PREFIX)) {
                keys.put(name, properties.getProperty(name));
            }
        }
        return keys;
    }
}
