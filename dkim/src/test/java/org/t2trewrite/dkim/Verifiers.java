package org.t2trewrite.dkim;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;

/**
 * The three verifiers of our tests, all fed from one in-memory key store (never DNS): jDKIM 0.3
 * (the library in James; RSA only), Debian's python3-dkim (dkimpy; RSA and Ed25519) and
 * {@link JvmVerifier} (Bouncy Castle; RSA and Ed25519, always available).
 * Public, in this module's test-jar, for the end-to-end tests that verify delivered mail.
 */
public final class Verifiers {
    static final Path DEBIAN_PYTHON = Paths.get("/usr/bin/python3");

    private final Map<String, String> records = new LinkedHashMap<>();

    public Verifiers publish(String selector, String domain, String record) {
        records.put((selector + "._domainkey." + domain).toLowerCase(Locale.ROOT), record);
        return this;
    }

    /** The signatures jDKIM verifies; throws when one fails. */
    public List<SignatureRecord> jdkim(byte[] message) throws IOException, FailException {
        PublicKeyRecordRetriever store = (method, selector, domain) -> {
            String record = records.get((selector + "._domainkey." + domain).toLowerCase(Locale.ROOT));
            if (record == null) {
                throw new PermFailException("no key record for " + selector + "._domainkey." + domain);
            }
            return List.of(record);
        };
        try (InputStream in = new ByteArrayInputStream(message)) {
            return new DKIMVerifier(store).verify(in);
        }
    }

    /**
     * The in-JVM verifier's verdict on every signature (RSA and Ed25519, Bouncy Castle): the
     * cryptographic check that runs even where python3-dkim is not installed.
     */
    public JvmVerifier.Results jvm(byte[] message) {
        return new JvmVerifier(records).verify(message);
    }

    /** Whether Debian's python3-dkim is installed (the lead's CI installs it; a bare JDK box may not). */
    public static boolean pythonDkimInstalled() {
        if (!Files.isExecutable(DEBIAN_PYTHON)) {
            return false;
        }
        try {
            Process process = new ProcessBuilder(DEBIAN_PYTHON.toString(), "-I", "-c", "import dkim, nacl, authres").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Skips the calling test without python3-dkim, and fails it under {@code CI=true}, where
     * {@code .ci/run} installs it and its absence is a broken set-up.
     */
    public static void requirePythonDkim() {
        boolean installed = pythonDkimInstalled();
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but Debian's python3-dkim is not importable by /usr/bin/python3 -I");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(installed, "Debian's python3-dkim is not installed (.ci/run installs it)");
    }

    /** python3-dkim's verdict on every signature of the message. */
    public PythonResult python(byte[] message, Path workDir) {
        return arcPython(message, workDir, "dkim-all");
    }

    /**
     * Runs our python3-dkim tool ({@code dkimpy_keystore.py}) on the message: {@code dkim-all} (every
     * DKIM-Signature's verdict, exit 0 only when all pass), {@code verify}
     * (dkimpy's {@code arc_verify}: exit 0 and {@code cv=pass} on pass), {@code sign SELECTOR DOMAIN
     * KEY.pem AUTHSERV-ID} (prints the message with dkimpy's ARC set), {@code dkimsign SELECTOR
     * DOMAIN KEY.pem} (with dkimpy's DKIM-Signature), {@code dkim} (each DKIM-Signature's verdict).
     * Keys from this store, never DNS.
     */
    public PythonResult arcPython(byte[] message, Path workDir, String... arguments) {
        return runScript("dkimpy_keystore.py", message, workDir, store -> {
            List<String> command = new ArrayList<>(List.of(arguments[0], store.toString()));
            command.addAll(List.of(arguments).subList(1, arguments.length));
            return command;
        });
    }

    /** {@code /usr/bin/python3 -I SCRIPT ARGS < message}, the key store written for it first. */
    private PythonResult runScript(String resource, byte[] message, Path workDir,
                                   java.util.function.Function<Path, List<String>> arguments) {
        try {
            Path script = workDir.resolve(resource);
            try (InputStream in = Verifiers.class.getResourceAsStream(resource)) {
                Files.write(script, in.readAllBytes());
            }
            Path store = workDir.resolve("keystore.txt");
            StringBuilder lines = new StringBuilder();
            records.forEach((name, record) -> lines.append(name).append(' ').append(record).append('\n'));
            Files.writeString(store, lines, StandardCharsets.US_ASCII);
            Path input = workDir.resolve("message-" + System.nanoTime() + ".eml");
            Files.write(input, message);
            List<String> command = new ArrayList<>(List.of(DEBIAN_PYTHON.toString(), "-I", script.toString()));
            command.addAll(arguments.apply(store));
            Process process = new ProcessBuilder(command).redirectInput(input.toFile()).redirectErrorStream(true).start();
            // One char per byte: a printed message comes back as the bytes it was.
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("python3-dkim did not finish");
            }
            return new PythonResult(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static final class PythonResult {
        final int exitCode;
        final String output;

        PythonResult(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        public boolean allPass() {
            return exitCode == 0;
        }

        /** Everything the tool printed. */
        public String output() {
            return output;
        }

        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            for (String line : output.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line.trim());
                }
            }
            return lines;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ": " + output;
        }
    }
}
