package org.t2trewrite.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads a folder written by {@code CaptureToFolder}: {@code .eml} files and their {@code .json} envelopes. */
final class EmlFolder {
    private EmlFolder() {
    }

    /**
     * Waits until {@code count} {@code .eml} files containing {@code marker} are in {@code folder};
     * returns what is there at the deadline otherwise (the caller's assertion then fails with it).
     */
    static List<Path> await(Path folder, String marker, int count, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        List<Path> found = containing(folder, marker);
        while (found.size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            found = containing(folder, marker);
        }
        return found;
    }

    static List<Path> containing(Path folder, String marker) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".eml"))
                .filter(p -> Messages.text(read(p)).contains(marker))
                .sorted()
                .collect(Collectors.toList());
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code .json} envelope next to an {@code .eml}. */
    static Map<String, Object> envelope(Path eml) {
        String name = eml.getFileName().toString();
        Path json = eml.resolveSibling(name.substring(0, name.length() - ".eml".length()) + ".json");
        try {
            return new ObjectMapper().readValue(json.toFile(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
