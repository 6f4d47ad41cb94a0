package org.t2trewrite.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.directory.file.DirectoryFile;
import org.t2trewrite.directory.file.InvalidDirectoryFileException;
import org.t2trewrite.graph.GraphDirectoryConfig;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * What the setup steps read from the relay's configuration: each tenant's domains and the names
 * of the eligibility groups. From the directory file ({@code --directory}, the
 * {@code james-conf/directory.json} format; groups then named by the Graph defaults unless
 * {@code --day-one-group}/{@code --day-two-group} say otherwise, as the file has no Exchange
 * groups) or from the Graph directory's properties ({@code --config}: {@code graph.source.domains},
 * {@code graph.target.domains}, {@code graph.groups.dayOne}, {@code graph.groups.dayTwo}).
 *
 * <p>A picocli mixin: the steps that need it declare {@code @Mixin SetupConfig.Options}.
 */
final class SetupConfig {
    private final String origin;
    private final Map<Tenant, List<Domain>> domains;
    private final Map<Group, String> groups;

    private SetupConfig(String origin, Map<Tenant, List<Domain>> domains, Map<Group, String> groups) {
        this.origin = origin;
        this.domains = Map.copyOf(domains);
        this.groups = Map.copyOf(groups);
    }

    static SetupConfig of(String origin, Map<Tenant, List<Domain>> domains, Map<Group, String> groups) {
        for (Tenant tenant : Tenant.values()) {
            if (domains.getOrDefault(tenant, List.of()).isEmpty()) {
                throw new IllegalArgumentException(origin + ": no domain for the " + tenant.configName() + " tenant");
            }
        }
        Map<Tenant, List<Domain>> copy = new EnumMap<>(Tenant.class);
        domains.forEach((tenant, list) -> copy.put(tenant, List.copyOf(list)));
        return new SetupConfig(origin, copy, groups);
    }

    /** Where the configuration came from, for messages. */
    String origin() {
        return origin;
    }

    List<Domain> domains(Tenant tenant) {
        return domains.get(tenant);
    }

    /** Every tenant domain, the source tenant's first. */
    List<Domain> allDomains() {
        List<Domain> all = new ArrayList<>(domains.get(Tenant.SOURCE));
        all.addAll(domains.get(Tenant.TARGET));
        return all;
    }

    String group(Group group) {
        return groups.get(group);
    }

    /** The command-line options that name the configuration. */
    static final class Options {
        static final class Source {
            @Option(names = "--directory", paramLabel = "FILE", description = "the directory file (james-conf/directory.json format)")
            Path directory;

            @Option(names = "--config", paramLabel = "FILE", description = "properties with the Graph directory's graph.* keys")
            Path config;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        SetupConfig load() throws IOException {
            return load(null, null);
        }

        /** The configuration, with these group names (when not null) instead of the configured ones. */
        SetupConfig load(String dayOneGroup, String dayTwoGroup) throws IOException {
            Map<Tenant, List<Domain>> domains = new EnumMap<>(Tenant.class);
            Map<Group, String> groups = new EnumMap<>(Group.class);
            groups.put(Group.DAY_ONE, GraphDirectoryConfig.DEFAULT_DAY_ONE);
            groups.put(Group.DAY_TWO, GraphDirectoryConfig.DEFAULT_DAY_TWO);
            String origin;
            if (source.directory != null) {
                origin = source.directory.toString();
                try {
                    var snapshot = DirectoryFile.parse(source.directory, Instant.now());
                    for (Tenant tenant : Tenant.values()) {
                        domains.put(tenant, sorted(snapshot.tenants().domains(tenant)));
                    }
                } catch (InvalidDirectoryFileException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            } else {
                origin = source.config.toString();
                GraphDirectoryConfig graph = GraphDirectoryConfig.from(GraphCheckCommand.graphKeys(source.config));
                for (Tenant tenant : Tenant.values()) {
                    Set<Domain> configured = graph.tenant(tenant).domains().orElseThrow(() -> new IllegalArgumentException(
                        origin + ": setup needs " + GraphDirectoryConfig.tenantKey(tenant, GraphDirectoryConfig.DOMAINS)
                            + " (the tenant's accepted domains the relay rewrites to and from)"));
                    domains.put(tenant, sorted(configured));
                }
                for (Group group : Group.values()) {
                    groups.put(group, graph.group(group));
                }
            }
            if (dayOneGroup != null) {
                groups.put(Group.DAY_ONE, dayOneGroup);
            }
            if (dayTwoGroup != null) {
                groups.put(Group.DAY_TWO, dayTwoGroup);
            }
            return SetupConfig.of(origin, domains, groups);
        }

        private static List<Domain> sorted(Set<Domain> domains) {
            Set<String> names = new TreeSet<>();
            domains.forEach(domain -> names.add(domain.name()));
            List<Domain> result = new ArrayList<>();
            names.forEach(name -> result.add(Domain.of(name)));
            return result;
        }
    }
}
