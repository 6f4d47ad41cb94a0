package org.t2trewrite.directory.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Person;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectoryFixture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Test helpers: a fixture as directory-file JSON, and the ways an operator writes the file. */
final class DirectoryFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DirectoryFiles() {
    }

    static String json(DirectoryFixture fixture) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode tenants = root.putObject("tenants");
        for (Tenant tenant : Tenant.values()) {
            ArrayNode domains = tenants.putObject(tenant.configName()).putArray("domains");
            for (Domain domain : fixture.tenants().domains(tenant)) {
                domains.add(domain.name());
            }
        }
        ArrayNode people = root.putArray("people");
        for (Person person : fixture.people()) {
            ObjectNode node = people.addObject();
            node.put("source", person.source().toString());
            node.put("target", person.target().toString());
            addresses(node.putArray("sourceAliases"), person.aliases(Tenant.SOURCE));
            addresses(node.putArray("targetAliases"), person.aliases(Tenant.TARGET));
            node.put("mailbox", person.mailbox().configName());
            ArrayNode groups = node.putArray("groups");
            for (Group group : person.groups()) {
                groups.add(group.configName());
            }
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void addresses(ArrayNode array, Collection<Address> addresses) {
        for (Address address : addresses) {
            array.add(address.toString());
        }
    }

    /** Overwrites the file in place, as {@code cat > file} does. */
    static void writeInPlace(Path file, String content) {
        try {
            Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a temporary file next to it and renames it over the file, as careful editors do. */
    static void replaceAtomically(Path file, String content) {
        try {
            Path temporary = Files.createTempFile(file.getParent(), ".directory", ".tmp");
            Files.write(temporary, content.getBytes(StandardCharsets.UTF_8));
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
