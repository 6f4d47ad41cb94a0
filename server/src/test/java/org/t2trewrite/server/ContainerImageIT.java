package org.t2trewrite.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.t2trewrite.server.Messages.assertRelayedAs;
import static org.t2trewrite.server.Messages.message;
import static org.t2trewrite.server.Messages.replaced;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.t2trewrite.cli.T2tRewriteCli;
import org.t2trewrite.cli.TestPki;
import org.t2trewrite.dkim.DkimKey;
import org.t2trewrite.dkim.KeyFolder;
import org.t2trewrite.dkim.Verifiers;

/**
 * The container image operators run, built and run as CI runs it: {@code docker/Dockerfile} on
 * the local Debian bookworm + Java 17 base ({@code docker/ci-base-image.sh}, made once and kept
 * as {@code localhost/t2t-ci-base:bookworm}: no registry is reachable in CI), started by podman
 * with its volumes and configured only through the entrypoint's environment variables. The
 * image's own {@code var} volume is a podman volume; directory and DKIM keys are host folders
 * mounted read-only, as an operator would.
 *
 * <p>The containers share the host's network ({@code --network host}): the test's sink listens on
 * 127.0.0.1 and the relay's SMTP and WebAdmin on free 127.0.0.1 ports, nothing on another
 * interface, and no bridge, NAT rule or network is created (Debian's podman without its
 * recommended netavark has no bridge networking anyway). Publishing {@code -p 25:2525} on a
 * bridge is therefore not exercised here.
 *
 * <p>Needs rootful podman, runc and debootstrap ({@code .ci/run} installs them). Under CI
 * ({@code CI=true}) their absence fails the class; elsewhere it is reported and the class skipped.
 * Every container, volume and the test image are removed afterwards; the base image is kept.
 */
class ContainerImageIT {
    private static final String BASE = "localhost/t2t-ci-base:bookworm";
    private static final String RELAY_NETWORKS = "192.0.2.0/24, 127.0.0.0/8";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    // Longer than RemoteDelivery's first retry delay, should releasing the queue not be enough.
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern MAIN_CLASS = Pattern.compile("\\borg\\.[A-Za-z0-9_.]+ServerMain\\b");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private static Path root;
    private static Path work;
    private static Podman podman;
    private static String image;
    private static Path directoryFolder;
    private static Path dkimFolder;
    private static final List<String> containers = new ArrayList<>();
    private static final List<String> volumes = new ArrayList<>();

    @BeforeAll
    static void buildImage() throws Exception {
        root = Paths.get(JamesRelay.required("t2t.project.root")).toRealPath();
        work = Paths.get(JamesRelay.required("t2t.it.work")).resolve(ContainerImageIT.class.getSimpleName());
        JamesRelay.deleteRecursively(work);
        Files.createDirectories(work);
        if (!Podman.installed()) {
            String reason = "podman is not installed (.ci/run installs podman, runc, catatonit and debootstrap)";
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + ": under CI the container image must be built and run");
            }
            // Said on the console too: failsafe counts a class aborted in @BeforeAll as neither run nor skipped.
            System.out.println("ContainerImageIT: SKIPPED, " + reason + ": the container image is not tested on this machine (CI=true makes this a failure)");
            Assumptions.abort(reason + ": the container image is not tested on this machine");
        }
        podman = Podman.configured(work);

        Instant started = Instant.now();
        Podman.Result base = podman.command(BUILD_TIMEOUT, List.of(root.resolve("docker/ci-base-image.sh").toString(), BASE));
        assertThat(base.exitCode()).as("docker/ci-base-image.sh: %s", base).isZero();
        Instant baseReady = Instant.now();
        image = "localhost/t2t-rewrite:it-" + ProcessHandle.current().pid();
        podman.run(BUILD_TIMEOUT, "build", "--pull=never", "--quiet", "--build-arg", "BASE=" + BASE,
            "-t", image, "-f", root.resolve("docker/Dockerfile").toString(), root.toString());
        System.out.printf("ContainerImageIT: base image %s in %d s, image %s built in %d s%n", BASE,
            Duration.between(started, baseReady).toSeconds(), image, Duration.between(baseReady, Instant.now()).toSeconds());

        directoryFolder = Files.createDirectories(work.resolve("directory"));
        try (InputStream in = ContainerImageIT.class.getResourceAsStream("/test-directory.json")) {
            Files.copy(in, directoryFolder.resolve("directory.json"));
        }
        dkimFolder = Files.createDirectories(work.resolve("dkim"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int keygen = T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), "dkim-keygen", "--for-directory",
            directoryFolder.resolve("directory.json").toString(), "--selector", "t2t", "--out", dkimFolder.toString());
        assertThat(keygen).as("dkim-keygen: %s", err).isZero();
        // Bind mounts keep host ownership: the image's user (uid 10025) must be able to read them.
        // Test keys only; a production key folder belongs to that uid instead (README).
        readableByAll(directoryFolder);
        readableByAll(dkimFolder);
    }

    @AfterAll
    static void removeEverythingButTheBase() throws Exception {
        if (podman == null) {
            return;
        }
        for (String container : containers) {
            podman.exec(COMMAND_TIMEOUT, "rm", "-f", "-v", "-t", "2", container);
        }
        for (String volume : volumes) {
            podman.exec(COMMAND_TIMEOUT, "volume", "rm", "-f", volume);
        }
        if (image != null) {
            podman.exec(COMMAND_TIMEOUT, "rmi", "-f", image);
        }
    }

    @Test
    void entrypointRunsTheServerThatRelayRuns() throws IOException {
        assertThat(mainClasses(root.resolve("docker/entrypoint.sh")))
            .isNotEmpty()
            .isEqualTo(mainClasses(root.resolve("relay")));
    }

    @Test
    void refusesToStartWithoutRoutesOrAGatewayInOneLine() throws Exception {
        Podman.Result run = podman.exec(COMMAND_TIMEOUT, "run", "--rm", "--network", "none",
            "-e", "T2T_RELAY_NETWORKS=" + RELAY_NETWORKS, image);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr().trim()).as(run.toString()).startsWith("t2t-relay: T2T_ROUTE_SOURCE and T2T_ROUTE_TARGET").contains("or T2T_GATEWAY").doesNotContain("\n");
    }

    @Test
    void refusesToStartWithoutRelayNetworksInOneLine() throws Exception {
        Podman.Result run = podman.exec(COMMAND_TIMEOUT, "run", "--rm", "--network", "none",
            "-e", "T2T_GATEWAY=gateway.example:25", image);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.stderr().trim()).as(run.toString()).startsWith("t2t-relay: T2T_RELAY_NETWORKS is required").doesNotContain("\n");
    }

    /**
     * Production's set-up: routes per tenant and a smart host for everyone else (all the sink
     * here), STARTTLS required from clients with the operator's PEM files, the next hop reached
     * over verified STARTTLS (its certificate chains to {@code T2T_TLS_TRUST}) with the relay's
     * certificate as client certificate.
     */
    @Test
    void relaysDayOneMailOverStartTlsThroughItsRoutesRewrittenAndSignedAndStopsOnSigterm() throws Exception {
        TestPki.Identity ca = TestPki.newCa("T2T container test CA");
        TestPki.Identity relayIdentity = ca.issue("relay.test", "127.0.0.1", "localhost");
        Path tls = Files.createDirectories(work.resolve("tls"));
        relayIdentity.writeCertificate(tls.resolve("relay.pem"));
        relayIdentity.writeKey(tls.resolve("relay.key"));
        ca.writeCertificate(tls.resolve("ca.pem"));
        readableByAll(tls);
        try (SmtpSink sink = SmtpSink.start()) {
            sink.offerStartTls(ca.issue("127.0.0.1", "127.0.0.1").context(ca.certificate()), true);
            String sinkAddress = "127.0.0.1:" + sink.port();
            Relay relay = startRelay(newVolume(), List.of("-v", tls + ":/etc/t2t/tls:ro",
                "-e", "T2T_TLS_CERT=/etc/t2t/tls/relay.pem", "-e", "T2T_TLS_KEY=/etc/t2t/tls/relay.key",
                "-e", "T2T_TLS_TRUST=/etc/t2t/tls/ca.pem", "-e", "T2T_REQUIRE_TLS=true",
                "-e", "T2T_ROUTE_SOURCE=" + sinkAddress, "-e", "T2T_ROUTE_TARGET=" + sinkAddress,
                "-e", "T2T_ROUTE_OTHER=" + sinkAddress));
            byte[] sent = message("c1", "\"Alice Smith\" <alice@source.example>", "Ext <ext@external.example>",
                "bob@source.example", "Quarterly numbers");

            try (SmtpClient plain = SmtpClient.connect(relay.smtpPort)) {
                assertThat(plain.command("MAIL FROM:<alice@source.example>").code()).isEqualTo(530);
            }
            try (SmtpClient client = SmtpClient.connect(relay.smtpPort)) {
                SSLSession session = client.startTls(TestPki.clientContext(ca.certificate()).getSocketFactory());
                assertThat(session.getPeerCertificates()[0]).isEqualTo(relayIdentity.certificate());
                client.send("alice@source.example", List.of("ext@external.example"), sent);
            }

            List<SmtpSink.Delivery> delivered = sink.await(d -> d.dataAsString().contains("<c1@client.example>"), 1, DELIVERY_TIMEOUT);
            assertThat(delivered).as("deliveries; relay log tail:\n%s", relay.logTail()).hasSize(1);
            assertThat(delivered.get(0).mailFrom()).isEqualTo("alice@target.example");
            assertThat(delivered.get(0).rcpts()).containsExactly("ext@external.example");
            assertRelayedAs(delivered.get(0).data(), replaced(replaced(sent,
                "From: \"Alice Smith\" <alice@source.example>", "From: \"Alice Smith\" <alice@target.example>"),
                "Cc: bob@source.example", "Cc: bob@target.example"));
            assertThat(dkimVerifiers().jdkim(delivered.get(0).data()))
                .extracting(r -> r.getDToken().toString()).containsExactly("target.example");
            assertThat(delivered.get(0).tlsProtocol()).hasValueSatisfying(protocol -> assertThat(protocol).isIn("TLSv1.2", "TLSv1.3"));
            assertThat(delivered.get(0).clientCertificateSubject())
                .hasValue(relayIdentity.certificate().getSubjectX500Principal().getName());

            // James runs as the image's user, not root, with WebAdmin on 127.0.0.1 (T2T_WEBADMIN_PORT).
            assertThat(podman.run(COMMAND_TIMEOUT, "exec", relay.container, "id", "-u")).isEqualTo("10025");
            assertThat(new WebAdmin(relay.webAdminPort).get("/mailQueues").statusCode()).isEqualTo(200);

            // podman stop sends SIGTERM: 143 means the JVM ran its shutdown hook and exited by itself
            // (a SIGKILL after the timeout would be 137).
            Instant stopping = Instant.now();
            podman.run(COMMAND_TIMEOUT, "stop", "-t", "60", relay.container);
            assertThat(Duration.between(stopping, Instant.now())).isLessThan(Duration.ofSeconds(60));
            assertThat(podman.run(COMMAND_TIMEOUT, "inspect", "--format", "{{.State.ExitCode}}", relay.container)).isEqualTo("143");
        }
    }

    /**
     * The operator's first steps: keys made by the image's own CLI into a fresh volume (which the
     * image's user can write), then a relay on its defaults, SMTP on every interface of the
     * container. No network here ({@code --network none}): the address is read from James's log.
     */
    @Test
    void startsOnKeysMadeWithItsCliAndListensOnAllInterfacesByDefault() throws Exception {
        String keys = newVolume();
        Podman.Result keygen = podman.exec(COMMAND_TIMEOUT, "run", "--rm", "--network", "none",
            "-v", keys + ":/etc/t2t/dkim",
            "-v", directoryFolder + ":/var/lib/t2t/directory:ro",
            image, "cli", "dkim-keygen", "--for-directory", "/var/lib/t2t/directory/directory.json",
            "--selector", "s2026", "--out", "/etc/t2t/dkim");
        assertThat(keygen.exitCode()).as(keygen.toString()).isZero();
        assertThat(keygen.stdout()).contains("s2026._domainkey.source.example.", "s2026._domainkey.target.example.");

        String name = containerName();
        podman.run(COMMAND_TIMEOUT, "run", "-d", "--init", "--name", name, "--network", "none",
            "-v", newVolume() + ":/var/lib/t2t/var",
            "-v", directoryFolder + ":/var/lib/t2t/directory:ro",
            "-v", keys + ":/etc/t2t/dkim:ro",
            "-e", "T2T_GATEWAY=gateway.example:25",
            "-e", "T2T_RELAY_NETWORKS=203.0.113.0/24",
            "-e", "JAVA_OPTS=-XX:TieredStopAtLevel=1",
            image);
        Relay relay = new Relay(name, 2525, 8000);

        assertThat(awaitLogLine(relay, "SMTP Service bound to")).contains("0.0.0.0:2525");
        assertThat(awaitLogLine(relay, "Web admin server started")).contains("8000");
    }

    /**
     * Mail accepted while the gateway is down survives a killed container: a new container on
     * the same {@code var} volume delivers it once the gateway is back, once each (the queue is on
     * disk in {@code var}, RelayServerMain's ActiveMQ).
     */
    @Test
    void deliversMailQueuedBeforeTheContainerWasKilled() throws Exception {
        int gatewayPort = JamesRelay.freePort();
        String var = newVolume();
        List<String> gateway = List.of("-e", "T2T_GATEWAY=127.0.0.1:" + gatewayPort);
        Relay first = startRelay(var, gateway);
        List<String> ids = List.of("k1", "k2", "k3");
        for (String id : ids) {
            SmtpClient.sendMessage(first.smtpPort, "alice@source.example", List.of("ext@external.example"),
                message(id, "Alice <alice@source.example>", "ext@external.example", null, "Queued " + id));
        }
        // Each mail has met the closed gateway once and waits for its retry (delayTime 5 s).
        Thread.sleep(2000);
        podman.run(COMMAND_TIMEOUT, "kill", first.container);

        try (SmtpSink sink = SmtpSink.start(gatewayPort)) {
            Relay second = startRelay(var, gateway);
            // The gateway is back: release the delayed mail now, as an operator would, rather than
            // wait for RemoteDelivery's next retry. (A queue that did not survive is not listed.)
            WebAdmin webAdmin = new WebAdmin(second.webAdminPort);
            if (webAdmin.get("/mailQueues").body().contains("\"outgoing\"")) {
                webAdmin.flushDelayed("outgoing");
            }

            List<SmtpSink.Delivery> delivered = sink.await(d -> true, ids.size(), DELIVERY_TIMEOUT);
            Thread.sleep(2000);
            List<String> messageIds = sink.deliveries().stream()
                .map(d -> messageId(d.dataAsString()))
                .sorted()
                .collect(Collectors.toList());
            assertThat(messageIds)
                .as("mail accepted before the kill, delivered after the restart on the same var volume (%d by the deadline;"
                    + " none means the queue did not survive the kill); first container's log tail:\n%s\n"
                    + "second container's log tail:\n%s", delivered.size(), first.logTail(), second.logTail())
                .containsExactly("<k1@client.example>", "<k2@client.example>", "<k3@client.example>");
        }
    }

    /** A relay container, started and answering SMTP. */
    private static final class Relay {
        private final String container;
        private final int smtpPort;
        private final int webAdminPort;

        private Relay(String container, int smtpPort, int webAdminPort) {
            this.container = container;
            this.smtpPort = smtpPort;
            this.webAdminPort = webAdminPort;
        }

        String logTail() {
            try {
                Podman.Result logs = podman.exec(COMMAND_TIMEOUT, "logs", "--tail", "40", container);
                return logs.stdout() + logs.stderr();
            } catch (IOException | InterruptedException e) {
                return "(no log: " + e + ")";
            }
        }
    }

    /**
     * A relay on the host's network; {@code options} are more podman options, at least the
     * delivery ({@code -e T2T_ROUTE_*} or {@code -e T2T_GATEWAY}).
     */
    private static Relay startRelay(String varVolume, List<String> options) throws Exception {
        int smtpPort = JamesRelay.freePort();
        int webAdminPort = JamesRelay.freePort();
        String name = containerName();
        List<String> command = new ArrayList<>(List.of("run", "-d", "--init", "--name", name, "--network", "host",
            "-v", varVolume + ":/var/lib/t2t/var",
            "-v", directoryFolder + ":/var/lib/t2t/directory:ro",
            "-v", dkimFolder + ":/etc/t2t/dkim:ro",
            "-e", "T2T_SMTP_BIND=127.0.0.1",
            "-e", "T2T_SMTP_PORT=" + smtpPort,
            "-e", "T2T_WEBADMIN_PORT=" + webAdminPort,
            "-e", "T2T_RELAY_NETWORKS=" + RELAY_NETWORKS,
            "-e", "T2T_HEAP=384m",
            // C1 only: a test relay handles a few mails and should start fast on 2 cores.
            "-e", "JAVA_OPTS=-XX:TieredStopAtLevel=1"));
        command.addAll(options);
        command.add(image);
        podman.run(COMMAND_TIMEOUT, command.toArray(new String[0]));
        Relay relay = new Relay(name, smtpPort, webAdminPort);
        awaitGreeting(relay);
        // SMTP answers before WebAdmin listens: wait for the whole server.
        awaitLogLine(relay, "JAMES server started");
        return relay;
    }

    private static void awaitGreeting(Relay relay) throws Exception {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            String running = podman.run(COMMAND_TIMEOUT, "inspect", "--format", "{{.State.Running}}", relay.container);
            if (!running.equals("true")) {
                fail("container " + relay.container + " exited before listening; log tail:\n" + relay.logTail());
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), relay.smtpPort)) {
                socket.setSoTimeout(10_000);
                byte[] greeting = socket.getInputStream().readNBytes(3);
                if (new String(greeting, UTF_8).equals("220")) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(500);
            }
        }
        fail("container " + relay.container + " did not answer SMTP within " + START_TIMEOUT + "; log tail:\n" + relay.logTail());
    }

    /** A name for a container this class starts, remembered for removal. */
    private static String containerName() {
        String name = "t2t-it-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        containers.add(name);
        return name;
    }

    /** The first line of the container's log that contains {@code text}, waiting for it. */
    private static String awaitLogLine(Relay relay, String text) throws Exception {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            Podman.Result logs = podman.exec(COMMAND_TIMEOUT, "logs", relay.container);
            for (String line : (logs.stdout() + logs.stderr()).split("\n")) {
                if (line.contains(text)) {
                    return line;
                }
            }
            if (!podman.run(COMMAND_TIMEOUT, "inspect", "--format", "{{.State.Running}}", relay.container).equals("true")) {
                fail("container " + relay.container + " exited before logging '" + text + "'; log tail:\n" + relay.logTail());
            }
            Thread.sleep(1000);
        }
        fail("container " + relay.container + " did not log '" + text + "' within " + START_TIMEOUT + "; log tail:\n" + relay.logTail());
        return "";
    }

    private static String newVolume() throws Exception {
        String name = "t2t-it-" + ProcessHandle.current().pid() + "-var-" + SEQUENCE.incrementAndGet();
        volumes.add(name);
        podman.run(COMMAND_TIMEOUT, "volume", "create", name);
        return name;
    }

    private static Verifiers dkimVerifiers() {
        Verifiers verifiers = new Verifiers();
        for (DkimKey key : KeyFolder.open(dkimFolder, Clock.systemUTC(), Duration.ofDays(1)).current().all()) {
            verifiers.publish(key.name().selector().value(), key.name().domain().key(), key.publicKeyRecord());
        }
        return verifiers;
    }

    private static List<String> mainClasses(Path script) throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(script, UTF_8)) {
            if (line.trim().startsWith("#")) {
                continue;
            }
            Matcher matcher = MAIN_CLASS.matcher(line);
            while (matcher.find()) {
                found.add(matcher.group());
            }
        }
        return found;
    }

    private static String messageId(String message) {
        Matcher matcher = Pattern.compile("(?im)^Message-ID: *(<[^>]*>)").matcher(message);
        return matcher.find() ? matcher.group(1) : "(no Message-ID)";
    }

    private static void readableByAll(Path folder) throws IOException {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
    }
}
