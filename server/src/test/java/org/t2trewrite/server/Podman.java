package org.t2trewrite.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code podman} command line for the container tests, with a {@code containers.conf}
 * of its own (chosen through {@code CONTAINERS_CONF}, nothing written to {@code /etc}) that holds
 * the two workarounds CI machines need (notes: containers.md): open-file limits capped at the
 * shell's hard limit (podman asks for more, and without CAP_SYS_RESOURCE crun/runc fail at
 * {@code setrlimit}), and {@code runc} as runtime (crun does not support hybrid cgroups).
 *
 * <p>Not a container API: each call is one podman process, its output read whole.
 */
final class Podman {

    /** One finished podman command. */
    static final class Result {
        private final List<String> command;
        private final int exitCode;
        private final String stdout;
        private final String stderr;

        Result(List<String> command, int exitCode, String stdout, String stderr) {
            this.command = List.copyOf(command);
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        int exitCode() {
            return exitCode;
        }

        String stdout() {
            return stdout;
        }

        String stderr() {
            return stderr;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    private final Path containersConf;
    private final Path scratch;

    private Podman(Path containersConf, Path scratch) {
        this.containersConf = containersConf;
        this.scratch = scratch;
    }

    /** Whether a {@code podman} executable is on the PATH. */
    static boolean installed() {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, "podman"))) {
                return true;
            }
        }
        return false;
    }

    /** Writes {@code work/containers.conf} and returns a podman that uses it. */
    static Podman configured(Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Process ulimit = new ProcessBuilder("sh", "-c", "ulimit -Hn").redirectErrorStream(true).start();
        String hardLimit = new String(ulimit.getInputStream().readAllBytes(), UTF_8).trim();
        ulimit.waitFor();
        if (!hardLimit.matches("[0-9]+")) {
            hardLimit = "65536";
        }
        Path conf = work.resolve("containers.conf");
        Files.writeString(conf, "[containers]\n"
            + "default_ulimits = [\"nofile=" + hardLimit + ":" + hardLimit + "\", \"nproc=32768:32768\"]\n"
            + "[engine]\n"
            + "runtime = \"runc\"\n", UTF_8);
        return new Podman(conf, work);
    }

    Path containersConf() {
        return containersConf;
    }

    /** Runs {@code podman ARGS} and returns what it did, whatever its exit code. */
    Result exec(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(List.of(args));
        return command(timeout, command);
    }

    /** Runs {@code podman ARGS}; fails unless it exits with 0. Its standard output, trimmed. */
    String run(Duration timeout, String... args) throws IOException, InterruptedException {
        Result result = exec(timeout, args);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("podman failed: " + result);
        }
        return result.stdout().trim();
    }

    /** Runs any command (a script that calls podman) with this podman's configuration. */
    Result command(Duration timeout, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "podman", ".out");
        Path err = Files.createTempFile(scratch, "podman", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
            builder.environment().put("CONTAINERS_CONF", containersConf.toString());
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                    + "; stderr: " + Files.readString(err, UTF_8));
            }
            return new Result(command, process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
