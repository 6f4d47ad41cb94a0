package org.t2trewrite.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.t2trewrite.cli.T2tRewriteCli;
import org.t2trewrite.dkim.DkimKey;
import org.t2trewrite.dkim.KeyFolder;
import org.t2trewrite.dkim.Verifiers;

/**
 * Starts a real James 3.8.1 memory server for one test class, laid out the way {@code ./relay}
 * and the Docker image lay it out: a fresh work dir with a copy of {@code james-conf/} as
 * {@code conf/}, our shaded jar in {@code extensions-jars/}, the stock jars of
 * {@code server/target/james/lib} on the class path. SMTP on a free 127.0.0.1 port; by default
 * all mail goes to a {@link SmtpSink} as gateway. Either James is started directly
 * ({@code java -cp lib/*}) with optional edits to the conf copy, or through {@code ./relay}
 * itself. Stopped (SIGTERM, then kill after a minute) after the class, also when it failed.
 *
 * <p>Needs the build's layout: run by maven-failsafe after {@code package}, which passes
 * {@code t2t.project.root}, {@code t2t.james.layout} and {@code t2t.it.work}.
 */
final class JamesRelay implements BeforeAllCallback, AfterAllCallback {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);
    private static final String EXTENSION_JAR = "t2t-rewrite-extension-james-extension.jar";
    private static final Map<Delivery, String> DELIVERY_PROCESSORS = Map.of(
        Delivery.GATEWAY, "t2t-gateway", Delivery.CAPTURE, "t2t-capture", Delivery.ROUTES, "t2t-routes");

    enum Launch { JAVA, RELAY_SCRIPT }

    /**
     * GATEWAY: everything to one sink; CAPTURE: into a folder; ROUTES: per tenant, the source
     * tenant's domains to {@link #sourceSink()}, the target's to {@link #targetSink()}, everyone
     * else to {@link #sink()} as smart host.
     */
    enum Delivery { GATEWAY, CAPTURE, ROUTES }

    private final Launch launch;
    private final Delivery delivery;
    private final String directoryResource;
    private final Map<String, UnaryOperator<String>> confEdits;
    private final boolean awaitStart;
    private final Map<String, String> environment;
    private final List<List<String>> extraDkimKeygens;
    private final List<String> domainsWithoutDkimKeys;
    private final List<String> relayOptions;
    private final Map<String, String> properties;
    private final String heap;
    private final List<String> arcKeys;
    private final String nodeSuffix;

    private Path workDir;
    private Path directoryFile;
    private int smtpPort;
    private int webAdminPort;
    private SmtpSink sink;
    private SmtpSink sourceSink;
    private SmtpSink targetSink;
    private Process process;
    private List<String> command;

    private JamesRelay(Builder builder) {
        this.launch = builder.launch;
        this.delivery = builder.delivery;
        this.directoryResource = builder.directoryResource;
        this.confEdits = new LinkedHashMap<>(builder.confEdits);
        this.awaitStart = builder.awaitStart;
        this.environment = new LinkedHashMap<>(builder.environment);
        this.extraDkimKeygens = List.copyOf(builder.extraDkimKeygens);
        this.domainsWithoutDkimKeys = List.copyOf(builder.domainsWithoutDkimKeys);
        this.relayOptions = List.copyOf(builder.relayOptions);
        this.properties = new LinkedHashMap<>(builder.properties);
        this.heap = builder.heap;
        this.arcKeys = List.copyOf(builder.arcKeys);
        this.nodeSuffix = builder.node.isEmpty() ? "" : "-" + builder.node;
        if (launch == Launch.RELAY_SCRIPT && !confEdits.isEmpty()) {
            throw new IllegalArgumentException("./relay uses james-conf/ as it is: no conf edits");
        }
        if (launch == Launch.JAVA && !relayOptions.isEmpty()) {
            throw new IllegalArgumentException("relay options need launch(RELAY_SCRIPT)");
        }
    }

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private Launch launch = Launch.JAVA;
        private Delivery delivery = Delivery.GATEWAY;
        private String directoryResource = "/test-directory.json";
        private String heap = "512m";
        private final Map<String, UnaryOperator<String>> confEdits = new LinkedHashMap<>();
        private boolean awaitStart = true;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<List<String>> extraDkimKeygens = new ArrayList<>();
        private final List<String> domainsWithoutDkimKeys = new ArrayList<>();
        private final List<String> relayOptions = new ArrayList<>();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<String> arcKeys = new ArrayList<>();

        /** A {@code t2t.*} system property appended to jvm.properties after the harness's own (JAVA launch). */
        /** James's maximum heap ({@code -Xmx}), default 512m. */
        Builder heap(String xmx) {
            this.heap = xmx;
            return this;
        }

        Builder property(String name, String value) {
            properties.put(name, value);
            return this;
        }

        /**
         * ARC sealing on, as {@code domain} with an RSA key {@code <selector>._domainkey.<domain>.pem}
         * made by {@code dkim-keygen} in the key folder ({@code t2t.arc.domain}, {@code t2t.arc.selector}).
         */
        Builder arcSealing(String domain, String selector) {
            arcKeys.add(domain);
            arcKeys.add(selector);
            return property("t2t.arc.domain", domain).property("t2t.arc.selector", selector);
        }

        /** More {@code ./relay} options, after the harness's own (e.g. {@code --tls-cert FILE}); RELAY_SCRIPT only. */
        Builder relayOptions(String... options) {
            relayOptions.addAll(List.of(options));
            return this;
        }

        private String node = "";

        /** For several relays in one test class: each gets its own work dir, {@code <class>-<name>}. */
        Builder node(String name) {
            this.node = name;
            return this;
        }

        /**
         * One more {@code dkim-keygen --for-directory} run into the key folder before James starts,
         * with these options (e.g. {@code --algorithm ed25519 --selector t2ted}): a second key per domain.
         */
        Builder dkimKeygen(String... options) {
            extraDkimKeygens.add(List.of(options));
            return this;
        }

        /** Deletes every key of {@code domain} from the key folder before James starts. */
        Builder withoutDkimKeysFor(String domain) {
            domainsWithoutDkimKeys.add(domain);
            return this;
        }

        /** An environment variable for James (e.g. a secret that conf reads with {@code ${env:...}}). */
        Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** The directory file James starts with: a test resource, copied into the work dir. */
        Builder directory(String resource) {
            this.directoryResource = resource;
            return this;
        }

        /** For tests of start-up failures: do not wait for SMTP; see {@link JamesRelay#awaitExit}. */
        Builder expectingStartFailure() {
            this.awaitStart = false;
            return this;
        }

        Builder launch(Launch value) {
            this.launch = value;
            return this;
        }

        Builder delivery(Delivery value) {
            this.delivery = value;
            return this;
        }

        /** Edits the copy of a {@code james-conf/} file before James starts (tests of other settings). */
        Builder editConf(String fileName, UnaryOperator<String> edit) {
            confEdits.merge(fileName, edit, (first, second) -> text -> second.apply(first.apply(text)));
            return this;
        }

        JamesRelay build() {
            return new JamesRelay(this);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        workDir = Paths.get(required("t2t.it.work")).resolve(context.getRequiredTestClass().getSimpleName() + nodeSuffix);
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        directoryFile = workDir.resolve("directory.json");
        try (InputStream in = JamesRelay.class.getResourceAsStream(directoryResource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + directoryResource);
            }
            Files.copy(in, directoryFile);
        }
        smtpPort = freePort();
        webAdminPort = freePort();
        if (delivery != Delivery.CAPTURE) {
            sink = SmtpSink.start();
        }
        if (delivery == Delivery.ROUTES) {
            sourceSink = SmtpSink.start();
            targetSink = SmtpSink.start();
        }
        command = launch == Launch.JAVA ? javaCommand() : relayCommand();
        launch();
        if (awaitStart) {
            awaitSmtpGreeting();
        }
    }

    private void launch() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("james.log").toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
    }

    /** {@code kill -9}: the JVM ends at once, no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * Starts James again on the same work dir, conf, ports and queues (after {@link #kill()} or
     * {@link #stop()}), and waits for SMTP. The log goes on in the same file.
     */
    void restart() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("James is still running");
        }
        Files.writeString(workDir.resolve("james.log"), System.lineSeparator() + "==== restart ====" + System.lineSeparator(),
            UTF_8, StandardOpenOption.APPEND);
        // Launch.JAVA reuses the edited conf/; ./relay lays conf/ out again from james-conf/. Both keep
        // var/ (queues, kept mail).
        launch();
        awaitSmtpGreeting();
    }

    /** Waits for James to exit on its own; empty if it still runs after {@code timeout}. */
    OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return OptionalInt.of(process.exitValue());
        }
        return OptionalInt.empty();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            stop();
            // Every end-to-end test also proves that no key and no configured secret reached the log.
            if (Files.exists(workDir.resolve("james.log"))) {
                LogSecrets.assertNoneIn(log(), workDir, environment);
            }
        } finally {
            for (SmtpSink each : new SmtpSink[] {sink, sourceSink, targetSink}) {
                if (each != null) {
                    each.close();
                }
            }
        }
    }

    /** Sends SIGTERM (James's shutdown hook runs) and waits; kills after a minute. The exit code. */
    int stop() throws InterruptedException {
        if (process == null) {
            return -1;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    private List<String> javaCommand() throws IOException {
        Path layout = Paths.get(required("t2t.james.layout"));
        Path conf = workDir.resolve("conf");
        copyTree(Paths.get(required("t2t.project.root")).resolve("james-conf"), conf);
        for (Map.Entry<String, UnaryOperator<String>> edit : confEdits.entrySet()) {
            Path file = conf.resolve(edit.getKey());
            Files.writeString(file, edit.getValue().apply(Files.readString(file, UTF_8)), UTF_8);
        }
        Files.createDirectories(workDir.resolve("extensions-jars"));
        Files.copy(layout.resolve("extensions-jars").resolve(EXTENSION_JAR), workDir.resolve("extensions-jars").resolve(EXTENSION_JAR));
        // As ./relay does: jvm.properties wins over -D, so the run's values are appended to it.
        List<String> properties = new ArrayList<>();
        properties.add("");
        properties.add("# ---- set by the test harness ----");
        properties.add("t2t.smtp.port=" + smtpPort);
        properties.add("t2t.webadmin.port=" + webAdminPort);
        properties.add("t2t.delivery=" + DELIVERY_PROCESSORS.get(delivery));
        if (delivery == Delivery.GATEWAY) {
            properties.add("t2t.gateway=127.0.0.1:" + sink.port());
        }
        if (delivery == Delivery.ROUTES) {
            properties.add("t2t.route.source=127.0.0.1:" + sourceSink.port());
            properties.add("t2t.route.target=127.0.0.1:" + targetSink.port());
            properties.add("t2t.route.other=t2t-to-smarthost");
            properties.add("t2t.route.smarthost=127.0.0.1:" + sink.port());
        }
        properties.add("t2t.capture.folder=" + escape(captureFolder()));
        properties.add("t2t.directory.file=" + escape(directoryFile));
        properties.add("t2t.dkim.keys=" + escape(generateDkimKeys()));
        this.properties.forEach((name, value) -> properties.add(name + "=" + value));
        Files.write(conf.resolve("jvm.properties"), properties, UTF_8, StandardOpenOption.APPEND);

        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions(heap));
        command.add("-cp");
        command.add(layout.resolve("lib") + "/*");
        command.add("-Dworking.directory=" + workDir);
        command.add("-Dextra.props=" + conf.resolve("jvm.properties"));
        command.add("-Dlogback.configurationFile=" + conf.resolve("logback.xml"));
        command.add("org.t2trewrite.runtime.RelayServerMain");
        return command;
    }

    private List<String> relayCommand() {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(required("t2t.project.root")).resolve("relay").toString());
        command.add("--smtp-port");
        command.add(String.valueOf(smtpPort));
        command.add("--webadmin-port");
        command.add(String.valueOf(webAdminPort));
        command.add("--directory");
        command.add(directoryFile.toString());
        command.add("--work-dir");
        command.add(workDir.toString());
        if (delivery == Delivery.ROUTES) {
            command.add("--route-source");
            command.add("127.0.0.1:" + sourceSink.port());
            command.add("--route-target");
            command.add("127.0.0.1:" + targetSink.port());
            command.add("--route-other");
            command.add("127.0.0.1:" + sink.port());
        } else if (sink != null) {
            command.add("--gateway");
            command.add("127.0.0.1:" + sink.port());
        } else {
            command.add("--capture");
            command.add(captureFolder().toString());
        }
        command.addAll(relayOptions);
        return command;
    }

    // A small heap and C1 only: a test James handles a few mails and should start fast on 2 cores.
    private static List<String> jvmOptions(String heap) {
        return List.of("-Xmx" + heap, "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");
    }

    private static String escape(Path path) {
        return path.toString().replace("\\", "\\\\");
    }

    /**
     * Waits for SMTP's 220 and then for WebAdmin to accept connections: James opens WebAdmin after
     * SMTP, and a test may ask WebAdmin first.
     */
    private void awaitSmtpGreeting() throws Exception {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        boolean smtp = false;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("James exited with " + process.exitValue() + " before listening; log tail:\n" + logTail());
            }
            if (!smtp) {
                smtp = greets(smtpPort);
            } else if (accepts(webAdminPort)) {
                return;
            }
            Thread.sleep(smtp ? 100 : 500);
        }
        stop();
        throw new IllegalStateException("James did not listen on " + smtpPort + " (SMTP) and " + webAdminPort
            + " (WebAdmin) within " + START_TIMEOUT + "; log tail:\n" + logTail());
    }

    private static boolean greets(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            byte[] greeting = new byte[3];
            return socket.getInputStream().readNBytes(greeting, 0, 3) == 3 && new String(greeting, UTF_8).equals("220");
        } catch (IOException notYet) {
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    int smtpPort() {
        return smtpPort;
    }

    /** WebAdmin's port on 127.0.0.1 (kept mail, queues, health checks). */
    int webAdminPort() {
        return webAdminPort;
    }

    SmtpSink sink() {
        if (sink == null) {
            throw new IllegalStateException("no sink: this relay captures into a folder");
        }
        return sink;
    }

    Path workDir() {
        return workDir;
    }

    Path directoryFile() {
        return directoryFile;
    }

    Path captureFolder() {
        return workDir.resolve("capture");
    }

    /** James's WebAdmin of this relay: kept mail, queues, health. */
    WebAdmin webAdmin() {
        return new WebAdmin(webAdminPort);
    }

    /** Where the source tenant's mail goes with {@link Delivery#ROUTES}. */
    SmtpSink sourceSink() {
        return Objects.requireNonNull(sourceSink, "no routes: this relay has one gateway");
    }

    /** Where the target tenant's mail goes with {@link Delivery#ROUTES}. */
    SmtpSink targetSink() {
        return Objects.requireNonNull(targetSink, "no routes: this relay has one gateway");
    }

    /**
     * The DKIM key folder: as ./relay does by default, a key (selector {@code t2t}) per tenant
     * domain, plus what the builder's {@code dkimKeygen} and {@code withoutDkimKeysFor} asked for.
     */
    Path dkimKeys() {
        return workDir.resolve("dkim");
    }

    private Path generateDkimKeys() throws IOException {
        Path keys = Files.createDirectories(dkimKeys());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // An invalid directory file (start-up refusal tests) gets no keys: James itself must refuse it.
        T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), "dkim-keygen",
            "--for-directory", directoryFile.toString(), "--selector", "t2t", "--out", keys.toString());
        for (List<String> options : extraDkimKeygens) {
            List<String> arguments = new ArrayList<>(List.of("dkim-keygen", "--for-directory", directoryFile.toString(),
                "--out", keys.toString()));
            arguments.addAll(options);
            int exit = T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), arguments.toArray(new String[0]));
            if (exit != 0) {
                throw new IllegalStateException("dkim-keygen " + options + " failed (" + exit + "): " + err);
            }
        }
        for (int i = 0; i < arcKeys.size(); i += 2) {
            int exit = T2tRewriteCli.run(new PrintWriter(out), new PrintWriter(err), "dkim-keygen", "--domain", arcKeys.get(i),
                "--selector", arcKeys.get(i + 1), "--out", keys.toString());
            if (exit != 0) {
                throw new IllegalStateException("dkim-keygen for the ARC key failed (" + exit + "): " + err);
            }
        }
        for (String domain : domainsWithoutDkimKeys) {
            try (Stream<Path> files = Files.list(keys)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith("._domainkey." + domain + ".pem"))::iterator) {
                    Files.delete(file);
                }
            }
        }
        return keys;
    }

    /**
     * Both DKIM verifiers of the dkim module (jDKIM, python3-dkim), each key of the key folder
     * published to them as its TXT record: what a receiver would find in DNS, without DNS.
     */
    Verifiers dkimVerifiers() {
        Verifiers verifiers = new Verifiers();
        for (DkimKey key : KeyFolder.open(dkimKeys(), Clock.systemUTC(), Duration.ofDays(1)).current().all()) {
            verifiers.publish(key.name().selector().value(), key.name().domain().key(), key.publicKeyRecord());
        }
        return verifiers;
    }

    /** Waits until the log has a line containing {@code fragment}. */
    void awaitLog(String fragment, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline) && !log().contains(fragment)) {
            Thread.sleep(100);
        }
        if (!log().contains(fragment)) {
            throw new AssertionError("no log line with '" + fragment + "' within " + timeout + "; tail:\n" + logTail());
        }
    }

    String log() throws IOException {
        return Files.readString(workDir.resolve("james.log"), UTF_8);
    }

    String logTail() {
        try {
            String log = log();
            return log.substring(Math.max(0, log.length() - 4000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    void send(String sender, List<String> recipients, byte[] message) throws IOException {
        SmtpClient.sendMessage(smtpPort, sender, recipients, message);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run the *IT tests with mvn verify");
        }
        return value;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
