package org.t2trewrite.directory.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.ExemptionPattern;
import org.t2trewrite.core.directory.Exemptions;
import org.t2trewrite.core.directory.Tenants;
import org.t2trewrite.directory.file.LocatedJson.Kind;
import org.t2trewrite.directory.file.LocatedJson.Member;
import org.t2trewrite.directory.file.LocatedJson.Value;

import com.google.common.collect.ImmutableList;

/**
 * Parses a directory file into a {@link DirectorySnapshot}, or rejects it with an
 * {@link InvalidDirectoryFileException} naming the file, line, column and problem.
 *
 * <p>The format (UTF-8 JSON):
 * <pre>{@code
 * {
 *   "tenants": { "source": { "domains": ["source.example"] },
 *                "target": { "domains": ["target.example"] } },
 *   "people": [
 *     { "source": "alice@source.example", "target": "alice@target.example",
 *       "sourceAliases": ["a.smith@source.example"], "targetAliases": [],
 *       "mailbox": "source", "groups": ["DayOne"] }
 *   ],
 *   "exceptions": { "senders": ["noreply*@source.example"], "recipients": ["approvals@target.example"],
 *                   "domains": ["apps.example"] }
 * }
 * }</pre>
 * <ul>
 *   <li>{@code tenants} — required — the accepted domains of each tenant; each tenant needs at
 *       least one domain, and no domain may belong to both.</li>
 *   <li>{@code people} — required, may be empty — one object per person:
 *     <ul>
 *       <li>{@code source}, {@code target} — required — the primary addresses.</li>
 *       <li>{@code sourceAliases}, {@code targetAliases} — default empty — proxy addresses.</li>
 *       <li>{@code mailbox} — required — {@code source} or {@code target}: where the mailbox lives now.</li>
 *       <li>{@code groups} — default empty — {@code DayOne}, {@code DayTwo}, both (a conflict:
 *           reported, never rewritten) or neither.</li>
 *     </ul></li>
 *   <li>{@code exceptions} — optional — what the relay never rewrites ({@link Exemptions}):
 *       {@code senders} and {@code recipients}, each a list of entries in the syntax of
 *       {@link ExemptionPattern} ({@code user@domain}, {@code prefix*@domain}, {@code @domain},
 *       {@code user@*}), and {@code domains}, a list of domains; each list defaults to empty, an
 *       entry that is not in the syntax or is listed twice in its list is an error.</li>
 * </ul>
 *
 * <p>Strict on purpose, because a lenient directory rewrites the wrong people: an unknown key
 * (a typo such as {@code "goups"}) is an error, not ignored; so are a missing key, a value of
 * the wrong type, an address {@link Address#parse} rejects, a bad {@code mailbox} or group, an
 * address listed twice anywhere in the file (the same person's too), and an address of one tenant
 * in a domain of the other. Tenant and group names are case-insensitive, as in
 * {@link Tenant#parse} and {@link Group#parse}.
 *
 * <p>Does not watch the file: {@link FileDirectory} does.
 */
public final class DirectoryFile {
    private static final String ROOT = "top level";
    private static final List<String> ROOT_KEYS = ImmutableList.of("tenants", "people", "exceptions");
    private static final List<String> EXCEPTIONS_KEYS = ImmutableList.of(Exemptions.SENDERS, Exemptions.RECIPIENTS,
        Exemptions.DOMAINS);
    private static final List<String> TENANTS_KEYS = ImmutableList.of("source", "target");
    private static final List<String> TENANT_KEYS = ImmutableList.of("domains");
    private static final List<String> PERSON_KEYS = ImmutableList.of(
        "source", "target", "sourceAliases", "targetAliases", "mailbox", "groups");

    private DirectoryFile() {
    }

    /**
     * Reads and parses a directory file.
     *
     * @param asOf the time the snapshot reports as its reading time
     * @throws IOException when the file cannot be read (missing, no permission)
     */
    public static DirectorySnapshot parse(Path file, Instant asOf) throws IOException, InvalidDirectoryFileException {
        return parse(file.toString(), Files.readAllBytes(file), asOf);
    }

    /**
     * Parses the content of a directory file.
     *
     * @param name the file name used in error messages
     */
    public static DirectorySnapshot parse(String name, byte[] content, Instant asOf) throws InvalidDirectoryFileException {
        return new Reader(name).snapshot(LocatedJson.read(name, content), asOf);
    }

    /** Where an address was first seen, to point at both places when it comes again. */
    private static final class Occurrence {
        private final String path;
        private final int line;

        private Occurrence(String path, int line) {
            this.path = path;
            this.line = line;
        }
    }

    /** One parse: the file name and the addresses seen so far. */
    private static final class Reader {
        private final String name;
        private final Map<Address, Occurrence> addresses = new HashMap<>();
        private final Map<Domain, Occurrence> domains = new HashMap<>();

        private Reader(String name) {
            this.name = name;
        }

        DirectorySnapshot snapshot(Value root, Instant asOf) throws InvalidDirectoryFileException {
            expect(root, Kind.OBJECT, ROOT);
            checkKeys(root, ROOT_KEYS, ROOT);
            Tenants tenants = tenants(required(root, "tenants", Kind.OBJECT, ROOT));
            Value people = required(root, "people", Kind.ARRAY, ROOT);
            List<Person> persons = new ArrayList<>();
            for (int i = 0; i < people.elements().size(); i++) {
                persons.add(person(people.elements().get(i), "people[" + i + "]", tenants));
            }
            Optional<Value> exceptions = optional(root, "exceptions", Kind.OBJECT, ROOT);
            Exemptions exemptions = exceptions.isPresent() ? exemptions(exceptions.get()) : Exemptions.none();
            try {
                return DirectorySnapshot.of(tenants, persons, exemptions, asOf);
            } catch (IllegalArgumentException e) {
                // person() already rejects what DirectorySnapshot.of rejects, at the exact line;
                // this only guards against the two drifting apart.
                throw error(people, "people", e.getMessage());
            }
        }

        private Exemptions exemptions(Value exceptions) throws InvalidDirectoryFileException {
            checkKeys(exceptions, EXCEPTIONS_KEYS, "exceptions");
            List<ExemptionPattern> senders = patterns(exceptions, Exemptions.SENDERS);
            List<ExemptionPattern> recipients = patterns(exceptions, Exemptions.RECIPIENTS);
            List<Domain> exemptDomains = new ArrayList<>();
            Optional<Value> list = optional(exceptions, Exemptions.DOMAINS, Kind.ARRAY, "exceptions");
            if (list.isPresent()) {
                for (int i = 0; i < list.get().elements().size(); i++) {
                    Value element = list.get().elements().get(i);
                    String elementPath = "exceptions.domains[" + i + "]";
                    expect(element, Kind.STRING, elementPath);
                    Domain domain;
                    try {
                        domain = Domain.of(element.text());
                    } catch (IllegalArgumentException e) {
                        throw error(element, elementPath, "not a domain: " + e.getMessage());
                    }
                    if (exemptDomains.contains(domain)) {
                        throw error(element, elementPath, "domain " + domain + " is listed twice");
                    }
                    exemptDomains.add(domain);
                }
            }
            return Exemptions.of(senders, recipients, exemptDomains);
        }

        private List<ExemptionPattern> patterns(Value exceptions, String key) throws InvalidDirectoryFileException {
            Optional<Value> list = optional(exceptions, key, Kind.ARRAY, "exceptions");
            List<ExemptionPattern> result = new ArrayList<>();
            if (list.isPresent()) {
                for (int i = 0; i < list.get().elements().size(); i++) {
                    Value element = list.get().elements().get(i);
                    String elementPath = "exceptions." + key + "[" + i + "]";
                    expect(element, Kind.STRING, elementPath);
                    ExemptionPattern pattern;
                    try {
                        pattern = ExemptionPattern.parse(element.text());
                    } catch (IllegalArgumentException e) {
                        throw error(element, elementPath, e.getMessage());
                    }
                    if (result.contains(pattern)) {
                        throw error(element, elementPath, "'" + element.text() + "' is listed twice");
                    }
                    result.add(pattern);
                }
            }
            return result;
        }

        private Tenants tenants(Value tenants) throws InvalidDirectoryFileException {
            checkKeys(tenants, TENANTS_KEYS, "tenants");
            Set<Domain> source = domains(required(tenants, "source", Kind.OBJECT, "tenants"), "tenants.source");
            Set<Domain> target = domains(required(tenants, "target", Kind.OBJECT, "tenants"), "tenants.target");
            return Tenants.of(source, target);
        }

        private Set<Domain> domains(Value tenant, String path) throws InvalidDirectoryFileException {
            checkKeys(tenant, TENANT_KEYS, path);
            Value list = required(tenant, "domains", Kind.ARRAY, path);
            if (list.elements().isEmpty()) {
                throw error(list, path + ".domains", "must list at least one domain");
            }
            Set<Domain> result = new LinkedHashSet<>();
            for (int i = 0; i < list.elements().size(); i++) {
                Value element = list.elements().get(i);
                String elementPath = path + ".domains[" + i + "]";
                expect(element, Kind.STRING, elementPath);
                Domain domain;
                try {
                    domain = Domain.of(element.text());
                } catch (IllegalArgumentException e) {
                    throw error(element, elementPath, "not a domain: " + e.getMessage());
                }
                Occurrence previous = domains.putIfAbsent(domain, new Occurrence(elementPath, element.line()));
                if (previous != null) {
                    throw error(element, elementPath, "domain " + domain + " is already listed at line "
                        + previous.line + " (" + previous.path + ")");
                }
                result.add(domain);
            }
            return result;
        }

        private Person person(Value person, String path, Tenants tenants) throws InvalidDirectoryFileException {
            expect(person, Kind.OBJECT, path);
            checkKeys(person, PERSON_KEYS, path);
            Address source = claim(required(person, "source", Kind.STRING, path), path + ".source", Tenant.SOURCE, tenants);
            Address target = claim(required(person, "target", Kind.STRING, path), path + ".target", Tenant.TARGET, tenants);
            List<Address> sourceAliases = aliases(person, "sourceAliases", path, Tenant.SOURCE, tenants);
            List<Address> targetAliases = aliases(person, "targetAliases", path, Tenant.TARGET, tenants);
            Value mailboxValue = required(person, "mailbox", Kind.STRING, path);
            Tenant mailbox;
            try {
                mailbox = Tenant.parse(mailboxValue.text());
            } catch (IllegalArgumentException e) {
                throw error(mailboxValue, path + ".mailbox", "must be \"source\" or \"target\", not \""
                    + mailboxValue.text() + "\"");
            }
            Set<Group> groups = groups(person, path);
            try {
                return Person.of(source, target, sourceAliases, targetAliases, mailbox, groups);
            } catch (IllegalArgumentException e) {
                // Unreachable while claim() rejects an address seen before (source == target included).
                throw error(person, path, e.getMessage());
            }
        }

        private List<Address> aliases(Value person, String key, String path, Tenant tenant, Tenants tenants)
            throws InvalidDirectoryFileException {
            Optional<Value> list = optional(person, key, Kind.ARRAY, path);
            List<Address> result = new ArrayList<>();
            if (list.isPresent()) {
                for (int i = 0; i < list.get().elements().size(); i++) {
                    Value element = list.get().elements().get(i);
                    String elementPath = path + "." + key + "[" + i + "]";
                    expect(element, Kind.STRING, elementPath);
                    result.add(claim(element, elementPath, tenant, tenants));
                }
            }
            return result;
        }

        /** Parses an address of one tenant and records it, rejecting a second claim or the other tenant's domain. */
        private Address claim(Value value, String path, Tenant tenant, Tenants tenants) throws InvalidDirectoryFileException {
            Address address;
            try {
                address = Address.parse(value.text());
            } catch (IllegalArgumentException e) {
                throw error(value, path, e.getMessage());
            }
            Optional<Tenant> domainTenant = tenants.tenantOf(address.domain());
            if (domainTenant.isPresent() && domainTenant.get() != tenant) {
                throw error(value, path, tenant.configName() + " address " + address + " is in "
                    + domainTenant.get().configName() + " domain " + address.domain());
            }
            Occurrence previous = addresses.putIfAbsent(address, new Occurrence(path, value.line()));
            if (previous != null) {
                throw error(value, path, "address " + address + " is already listed at line " + previous.line
                    + " (" + previous.path + ")");
            }
            return address;
        }

        private Set<Group> groups(Value person, String path) throws InvalidDirectoryFileException {
            Optional<Value> list = optional(person, "groups", Kind.ARRAY, path);
            Set<Group> result = EnumSet.noneOf(Group.class);
            if (list.isPresent()) {
                for (int i = 0; i < list.get().elements().size(); i++) {
                    Value element = list.get().elements().get(i);
                    String elementPath = path + ".groups[" + i + "]";
                    expect(element, Kind.STRING, elementPath);
                    Group group;
                    try {
                        group = Group.parse(element.text());
                    } catch (IllegalArgumentException e) {
                        throw error(element, elementPath, "must be \"DayOne\" or \"DayTwo\", not \"" + element.text() + "\"");
                    }
                    if (!result.add(group)) {
                        throw error(element, elementPath, "group " + group.configName() + " is listed twice");
                    }
                }
            }
            return result;
        }

        private void checkKeys(Value object, List<String> allowed, String path) throws InvalidDirectoryFileException {
            for (Member member : object.members().values()) {
                if (!allowed.contains(member.key())) {
                    throw new InvalidDirectoryFileException(name, member.line(), member.column(),
                        path + ": unknown key \"" + member.key() + "\" (allowed: " + String.join(", ", allowed) + ")");
                }
            }
        }

        private Value required(Value object, String key, Kind kind, String path) throws InvalidDirectoryFileException {
            Member member = object.members().get(key);
            if (member == null) {
                throw error(object, path, "missing required key \"" + key + "\"");
            }
            expect(member.value(), kind, childPath(path, key));
            return member.value();
        }

        private Optional<Value> optional(Value object, String key, Kind kind, String path) throws InvalidDirectoryFileException {
            Member member = object.members().get(key);
            if (member == null) {
                return Optional.empty();
            }
            expect(member.value(), kind, childPath(path, key));
            return Optional.of(member.value());
        }

        private void expect(Value value, Kind kind, String path) throws InvalidDirectoryFileException {
            if (value.kind() != kind) {
                throw error(value, path, "must be " + kind.description() + ", not " + value.kind().description());
            }
        }

        private InvalidDirectoryFileException error(Value at, String path, String problem) {
            return new InvalidDirectoryFileException(name, at.line(), at.column(), path + ": " + problem);
        }

        private static String childPath(String path, String key) {
            return ROOT.equals(path) ? key : path + "." + key;
        }
    }
}
