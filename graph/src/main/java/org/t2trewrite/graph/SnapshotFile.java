package org.t2trewrite.graph;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
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

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The last good snapshot on disk, so that James restarted during a Graph outage still knows who is eligible.
 * A versioned JSON document, written to a temporary file and moved into place atomically: a crash while
 * writing leaves the previous file intact.
 *
 * <p>Holds addresses, group membership and the exceptions ({@code "exceptions"}: what {@code t2t-rewrite explain}
 * reads; the relay itself uses the configured ones), never credentials or tokens. A file without
 * {@code "exceptions"} (written before they existed) reads as none. Does not decide whether a
 * snapshot is too old to use: {@link GraphDirectory} reports its age.
 */
public final class SnapshotFile {
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public SnapshotFile(Path file) {
        this.file = Objects.requireNonNull(file);
    }

    public Path path() {
        return file;
    }

    public void write(DirectorySnapshot snapshot) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary);
             JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeNumberField("format", FORMAT);
            json.writeStringField("asOf", snapshot.asOf().toString());
            for (Tenant tenant : Tenant.values()) {
                json.writeArrayFieldStart(tenant.configName() + "Domains");
                for (Domain domain : snapshot.tenants().domains(tenant)) {
                    json.writeString(domain.name());
                }
                json.writeEndArray();
            }
            json.writeArrayFieldStart("people");
            for (Person person : snapshot.people()) {
                json.writeStartObject();
                json.writeStringField("source", person.source().toString());
                json.writeStringField("target", person.target().toString());
                writeAddresses(json, "sourceAliases", person.aliases(Tenant.SOURCE));
                writeAddresses(json, "targetAliases", person.aliases(Tenant.TARGET));
                json.writeStringField("mailbox", person.mailbox().configName());
                json.writeArrayFieldStart("groups");
                for (Group group : person.groups()) {
                    json.writeString(group.configName());
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            Exemptions exemptions = snapshot.exemptions();
            json.writeObjectFieldStart("exceptions");
            json.writeArrayFieldStart(Exemptions.SENDERS);
            for (ExemptionPattern pattern : exemptions.senders()) {
                json.writeString(pattern.toString());
            }
            json.writeEndArray();
            json.writeArrayFieldStart(Exemptions.RECIPIENTS);
            for (ExemptionPattern pattern : exemptions.recipients()) {
                json.writeString(pattern.toString());
            }
            json.writeEndArray();
            json.writeArrayFieldStart(Exemptions.DOMAINS);
            for (Domain domain : exemptions.domains()) {
                json.writeString(domain.name());
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndObject();
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeAddresses(JsonGenerator json, String field, List<Address> addresses) throws IOException {
        json.writeArrayFieldStart(field);
        for (Address address : addresses) {
            json.writeString(address.toString());
        }
        json.writeEndArray();
    }

    /**
     * The snapshot in the file, or empty when there is no file.
     *
     * @throws IOException when the file cannot be read or is not a snapshot this version wrote
     */
    public java.util.Optional<DirectorySnapshot> read() throws IOException {
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = JSON.readTree(in);
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        }
        if (root == null || root.path("format").asInt() != FORMAT) {
            throw new IOException(file + " is not a snapshot in format " + FORMAT);
        }
        try {
            Tenants tenants = Tenants.of(domains(root.path("sourceDomains")), domains(root.path("targetDomains")));
            List<Person> people = new ArrayList<>();
            for (JsonNode person : root.path("people")) {
                Set<Group> groups = EnumSet.noneOf(Group.class);
                for (JsonNode group : person.path("groups")) {
                    groups.add(Group.parse(group.asText()));
                }
                people.add(Person.of(Address.parse(person.path("source").asText()), Address.parse(person.path("target").asText()),
                    addresses(person.path("sourceAliases")), addresses(person.path("targetAliases")),
                    Tenant.parse(person.path("mailbox").asText()), groups));
            }
            JsonNode exceptions = root.path("exceptions");
            Exemptions exemptions = Exemptions.of(patterns(exceptions.path(Exemptions.SENDERS)),
                patterns(exceptions.path(Exemptions.RECIPIENTS)), new ArrayList<>(domains(exceptions.path(Exemptions.DOMAINS))));
            return java.util.Optional.of(DirectorySnapshot.of(tenants, people, exemptions, Instant.parse(root.path("asOf").asText())));
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a valid snapshot: " + e.getMessage(), e);
        }
    }

    private static Set<Domain> domains(JsonNode array) {
        Set<Domain> domains = new LinkedHashSet<>();
        for (JsonNode domain : array) {
            domains.add(Domain.of(domain.asText()));
        }
        return domains;
    }

    private static List<ExemptionPattern> patterns(JsonNode array) {
        List<ExemptionPattern> patterns = new ArrayList<>();
        for (JsonNode pattern : array) {
            patterns.add(ExemptionPattern.parse(pattern.asText()));
        }
        return patterns;
    }

    private static List<Address> addresses(JsonNode array) {
        List<Address> addresses = new ArrayList<>();
        for (JsonNode address : array) {
            addresses.add(Address.parse(address.asText()));
        }
        return addresses;
    }
}
