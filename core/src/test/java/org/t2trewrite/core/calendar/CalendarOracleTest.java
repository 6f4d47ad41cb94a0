package org.t2trewrite.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The editor's output checked by an independent parser: Debian's python3-icalendar reads the
 * original and the rewritten calendar and compares their meaning (components, properties,
 * parameters), allowing only the mapped addresses to differ. CI installs python3-icalendar;
 * a machine without it fails here rather than passing without the proof.
 */
class CalendarOracleTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path directory;

    @Test
    void independentParserSeesTheSameCalendarsApartFromTheMappedAddresses() throws Exception {
        requireOracle();
        List<String> names = new ArrayList<>();
        int index = 0;
        Random random = new Random(5545);
        for (CalendarSamples.Sample sample : CalendarSamples.all()) {
            String name = String.format("%02d-%s", index++, sample.name.replaceAll("[^A-Za-z0-9]+", "-"));
            write(name, sample.bytes);
            names.add(name);
            // The same calendar folded at random places (a fold is allowed anywhere, RFC 5545 §3.1).
            for (int variant = 0; variant < 3; variant++) {
                write(name + "-folded" + variant, foldRandomly(sample.bytes, random));
                names.add(name + "-folded" + variant);
            }
        }
        // A control the oracle must reject, so that a silent oracle cannot pass this test.
        Files.write(directory.resolve("zz-control.orig.ics"), CalendarSamples.CANCEL.getBytes(StandardCharsets.UTF_8));
        Files.write(directory.resolve("zz-control.new.ics"), CalendarSamples.CANCEL.replace("bob@source.example", "bob@wrong.example")
            .getBytes(StandardCharsets.UTF_8));
        Files.writeString(directory.resolve("mapping.txt"), CalendarSamples.MAPPINGS.entrySet().stream()
            .map(entry -> entry.getKey() + " " + entry.getValue()).collect(Collectors.joining("\n")) + "\n");
        Path script = directory.resolve("compare_ical.py");
        try (InputStream in = getClass().getResourceAsStream("/calendar/compare_ical.py")) {
            Files.copy(in, script);
        }

        Result result = run(PYTHON.toString(), "-I", script.toString(), directory.toString());

        List<String> failures = result.output.lines().filter(line -> line.startsWith("FAIL ")).collect(Collectors.toList());
        assertThat(failures).as(result.output).singleElement().asString().startsWith("FAIL zz-control: ");
        assertThat(result.exitCode).as(result.output).isEqualTo(1);
        long ok = result.output.lines().filter(line -> line.startsWith("OK ")).count();
        assertThat(ok).as("calendars the oracle could read and compare:\n" + result.output)
            .isGreaterThanOrEqualTo(names.size() - 8);
    }

    private void write(String name, byte[] original) throws IOException {
        byte[] rewritten = CalendarEditor.edit(original, StandardCharsets.UTF_8, CalendarSamples.MAPPER, "text/calendar").content();
        Files.write(directory.resolve(name + ".orig.ics"), original);
        Files.write(directory.resolve(name + ".new.ics"), rewritten);
    }

    /** Inserts CRLF + SP or HTAB at up to 12 random places that are not inside a line end or at a line start. */
    private static byte[] foldRandomly(byte[] calendar, Random random) {
        byte[] bytes = calendar;
        for (int i = 0; i < 12; i++) {
            int at = 1 + random.nextInt(bytes.length - 1);
            if (bytes[at] == '\n' || bytes[at - 1] == '\n' || bytes[at - 1] == '\r') {
                continue;
            }
            byte[] folded = new byte[bytes.length + 3];
            System.arraycopy(bytes, 0, folded, 0, at);
            folded[at] = '\r';
            folded[at + 1] = '\n';
            folded[at + 2] = (byte) (random.nextBoolean() ? ' ' : '\t');
            System.arraycopy(bytes, at, folded, at + 3, bytes.length - at);
            bytes = folded;
        }
        return bytes;
    }

    private static void requireOracle() throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            fail("/usr/bin/python3 is missing: install python3 and python3-icalendar (apt-get install python3-icalendar)");
        }
        Result module = run(PYTHON.toString(), "-I", "-c", "import icalendar");
        if (module.exitCode != 0) {
            fail("python3-icalendar is missing (apt-get install python3-icalendar): " + module.output);
        }
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("oracle did not finish within 60 s: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static final class Result {
        private final int exitCode;
        private final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
