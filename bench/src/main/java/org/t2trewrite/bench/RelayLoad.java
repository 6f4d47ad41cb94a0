package org.t2trewrite.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A load measurement of the whole relay, not a test: starts {@code ./relay --gateway} to a
 * counting SMTP sink in this JVM, sends DayOne messages of about 4 KB (alice of
 * james-conf/directory.json, so every one is rewritten) over parallel SMTP sessions, first a
 * warm-up (JIT), then the measured batch, and prints messages per second (from the first MAIL
 * to the last message at the sink) and CPU per message: the relay JVM's own, and the whole
 * host's (load generator and sink included, as in the project's smtp-source/smtp-sink baselines).
 * Runs the relay twice: with james-conf/ as it is (signing with RSA-2048), and with
 * {@code DkimSignRewritten} removed from mailetcontainer.xml.
 *
 * <p>{@code ./relay} copies james-conf/ at every start, so each run starts ./relay from a mirror
 * of the project root: links to {@code relay}, {@code server/} (the James layout) and {@code cli/}
 * (the key generator), and a copy of james-conf/, edited for the unsigned run; the repository is
 * never modified. Needs the build in place (./relay would otherwise try to build in the mirror).
 *
 * <p>Run from the project root, after {@code mvn -B -q -Pbench -DskipTests package}:
 * {@code java -cp bench/target/benchmarks.jar org.t2trewrite.bench.RelayLoad [messages] [sessions] [warm-up]}
 * (defaults 5000, 8, 2000).
 */
public final class RelayLoad {
    private static final Pattern SIGNING_MAILET = Pattern.compile(
        "\\s*<mailet match=\"All\" class=\"org\\.t2trewrite\\.dkim\\.DkimSignRewritten\">.*?</mailet>", Pattern.DOTALL);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);

    private RelayLoad() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        Path root = Paths.get("").toAbsolutePath();
        if (!Files.isExecutable(root.resolve("relay"))) {
            throw new IllegalStateException("run from the project root (no ./relay in " + root + ")");
        }
        System.out.printf("%d messages of %d bytes over %d sessions after %d warm-up messages; %d cores%n",
            messages, message(0).length, sessions, warmUp, Runtime.getRuntime().availableProcessors());
        for (boolean signing : new boolean[] {true, false}) {
            Path mirror = mirror(root, signing);
            try (CountingSink sink = CountingSink.start()) {
                Result result = run(mirror, sink, messages, sessions, warmUp);
                System.out.printf("%-24s %7.1f msgs/s  relay JVM CPU %5.2f ms/msg  host CPU %5.2f ms/msg  (%d of %d arrived signed)%n",
                    signing ? "rewrite + DKIM RSA-2048" : "rewrite, no signing", result.perSecond(),
                    result.relayCpuMillisPerMessage(), result.hostCpuMillisPerMessage(), sink.signed(), messages + warmUp);
            }
        }
    }

    private static final class Result {
        private final int messages;
        private final Duration wall;
        private final Duration relayCpu;
        private final Duration hostCpu;

        Result(int messages, Duration wall, Duration relayCpu, Duration hostCpu) {
            this.messages = messages;
            this.wall = wall;
            this.relayCpu = relayCpu;
            this.hostCpu = hostCpu;
        }

        double perSecond() {
            return messages * 1000.0 / wall.toMillis();
        }

        double relayCpuMillisPerMessage() {
            return relayCpu.toNanos() / 1e6 / messages;
        }

        double hostCpuMillisPerMessage() {
            return hostCpu.toNanos() / 1e6 / messages;
        }
    }

    private static Result run(Path root, CountingSink sink, int messages, int sessions, int warmUp) throws Exception {
        Path work = Files.createTempDirectory("t2t-relay-load-work");
        int port = freePort();
        Process relay = new ProcessBuilder(root.resolve("relay").toString(), "--smtp-port", String.valueOf(port),
            "--gateway", "127.0.0.1:" + sink.port(), "--work-dir", work.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("relay.log").toFile())
            .start();
        try {
            awaitGreeting(relay, port, work);
            send(port, sessions, 0, warmUp);
            sink.await(warmUp);
            // ./relay execs java: the process is the relay JVM.
            Duration relayCpuBefore = cpu(relay);
            Duration hostCpuBefore = hostCpu();
            Instant start = Instant.now();
            send(port, sessions, warmUp, messages);
            sink.await(warmUp + messages);
            Duration wall = Duration.between(start, Instant.now());
            return new Result(messages, wall, cpu(relay).minus(relayCpuBefore), hostCpu().minus(hostCpuBefore));
        } finally {
            relay.destroy();
            if (!relay.waitFor(1, TimeUnit.MINUTES)) {
                relay.destroyForcibly();
            }
        }
    }

    /** Sends {@code count} messages, numbered from {@code first}, over {@code sessions} parallel sessions. */
    private static void send(int port, int sessions, int first, int count) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(sessions);
        try {
            AtomicLong next = new AtomicLong(first);
            long end = (long) first + count;
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                done.add(senders.submit(() -> {
                    try (SmtpSession session = SmtpSession.open(port)) {
                        for (long n = next.getAndIncrement(); n < end; n = next.getAndIncrement()) {
                            session.send("alice@source.example", "ext@external.example", message(n));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            senders.shutdownNow();
        }
    }

    /** A DayOne message of about 4 KB: a client-like header and 3.5 KB of plain text. */
    private static byte[] message(long n) {
        StringBuilder text = new StringBuilder()
            .append("From: \"Alice Smith\" <alice@source.example>\r\n")
            .append("To: Ext <ext@external.example>\r\n")
            .append("Cc: bob@source.example\r\n")
            .append("Subject: Quarterly numbers ").append(n).append("\r\n")
            .append("Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n")
            .append("Message-ID: <load-").append(n).append("@client.example>\r\n")
            .append("MIME-Version: 1.0\r\n")
            .append("Content-Type: text/plain; charset=us-ascii\r\n")
            .append("\r\n");
        while (text.length() < 4000) {
            text.append("The quarterly numbers are attached; the forecast follows in the next message.\r\n");
        }
        return text.toString().getBytes(US_ASCII);
    }

    private static Path mirror(Path root, boolean signing) throws IOException {
        Path mirror = Files.createTempDirectory("t2t-relay-load-root");
        // Only what ./relay uses: its build check then sees these modules only (not bench/, just built).
        for (String name : List.of("relay", "server", "cli")) {
            Files.createSymbolicLink(mirror.resolve(name), root.resolve(name));
        }
        Path conf = Files.createDirectory(mirror.resolve("james-conf"));
        try (Stream<Path> files = Files.list(root.resolve("james-conf"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, conf.resolve(file.getFileName()));
            }
        }
        if (signing) {
            return mirror;
        }
        Path container = conf.resolve("mailetcontainer.xml");
        String xml = Files.readString(container, StandardCharsets.UTF_8);
        Matcher mailet = SIGNING_MAILET.matcher(xml);
        if (!mailet.find()) {
            throw new IllegalStateException("no DkimSignRewritten mailet in " + container + " to remove");
        }
        Files.writeString(container, mailet.replaceFirst(""), StandardCharsets.UTF_8);
        return mirror;
    }

    private static void awaitGreeting(Process relay, int port, Path work) throws Exception {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!relay.isAlive()) {
                throw new IllegalStateException("./relay exited with " + relay.exitValue() + "; see " + work.resolve("relay.log"));
            }
            try (SmtpSession ignored = SmtpSession.open(port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("./relay did not listen on " + port + "; see " + work.resolve("relay.log"));
    }

    private static Duration cpu(Process process) {
        return process.info().totalCpuDuration()
            .orElseThrow(() -> new IllegalStateException("this OS does not report the relay's CPU time"));
    }

    /** Busy CPU time of the whole host, from the first line of /proc/stat (Linux; USER_HZ 100). */
    private static Duration hostCpu() throws IOException {
        String[] fields = Files.readAllLines(Paths.get("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        // user nice system idle iowait irq softirq steal: everything but idle and iowait.
        for (int i = 1; i <= 8 && i < fields.length; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(fields[i]);
            }
        }
        return Duration.ofMillis(busy * 10);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** One SMTP client session that sends messages one after another (no pipelining). */
    private static final class SmtpSession implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        private SmtpSession(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = new BufferedOutputStream(socket.getOutputStream(), 16384);
        }

        static SmtpSession open(int port) throws IOException {
            SmtpSession session = new SmtpSession(new Socket(InetAddress.getLoopbackAddress(), port));
            session.socket.setSoTimeout(120_000);
            session.expect("220");
            session.command("EHLO load.example", "250");
            return session;
        }

        void send(String from, String to, byte[] message) throws IOException {
            command("MAIL FROM:<" + from + ">", "250");
            command("RCPT TO:<" + to + ">", "250");
            command("DATA", "354");
            // The messages have no line starting with '.', so no dot-stuffing is needed.
            out.write(message);
            out.write(".\r\n".getBytes(US_ASCII));
            out.flush();
            expect("250");
        }

        private void command(String line, String code) throws IOException {
            out.write((line + "\r\n").getBytes(US_ASCII));
            out.flush();
            expect(code);
        }

        private void expect(String code) throws IOException {
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    throw new IOException("connection closed, expected " + code);
                }
                if (!line.startsWith(code)) {
                    throw new IOException("expected " + code + ", got " + line);
                }
                if (line.length() < 4 || line.charAt(3) == ' ') {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.write("QUIT\r\n".getBytes(US_ASCII));
                out.flush();
            } finally {
                socket.close();
            }
        }
    }

    /** An SMTP server that accepts everything and counts messages; keeps nothing. */
    private static final class CountingSink implements AutoCloseable {
        private final ServerSocket server;
        private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "load-sink");
            thread.setDaemon(true);
            return thread;
        });
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong signed = new AtomicLong();

        private CountingSink(ServerSocket server) {
            this.server = server;
        }

        static CountingSink start() throws IOException {
            CountingSink sink = new CountingSink(new ServerSocket(0, 100, InetAddress.getLoopbackAddress()));
            sink.workers.submit(sink::acceptLoop);
            return sink;
        }

        int port() {
            return server.getLocalPort();
        }

        long signed() {
            return signed.get();
        }

        void await(long count) throws InterruptedException {
            Instant deadline = Instant.now().plus(DRAIN_TIMEOUT);
            while (received.get() < count) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("only " + received.get() + " of " + count + " messages arrived");
                }
                Thread.sleep(5);
            }
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    workers.submit(() -> serve(socket));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket; InputStream in = new BufferedInputStream(socket.getInputStream());
                 OutputStream out = new BufferedOutputStream(socket.getOutputStream())) {
                reply(out, "220 sink ESMTP");
                String line;
                while ((line = readLine(in)) != null) {
                    String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
                    if (verb.equals("EHLO")) {
                        reply(out, "250-sink\r\n250-8BITMIME\r\n250 PIPELINING");
                    } else if (verb.equals("DATA")) {
                        reply(out, "354 go ahead");
                        // Counted, not kept: our signature is the message's first field when it has one.
                        String data = readLine(in);
                        if (data != null && data.regionMatches(true, 0, "DKIM-Signature:", 0, 15)) {
                            signed.incrementAndGet();
                        }
                        while (data != null && !data.equals(".")) {
                            data = readLine(in);
                        }
                        received.incrementAndGet();
                        reply(out, "250 queued");
                    } else if (verb.equals("QUIT")) {
                        reply(out, "221 bye");
                        return;
                    } else {
                        reply(out, "250 ok");
                    }
                }
            } catch (IOException e) {
                // The client went away.
            }
        }

        private static void reply(OutputStream out, String text) throws IOException {
            out.write((text + "\r\n").getBytes(US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
            workers.shutdownNow();
        }
    }

    /** A line without its CRLF; null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
