package org.t2trewrite.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server on 127.0.0.1 for tests: Debian's {@code dnsmasq} (package {@code dnsmasq-base},
 * installed by {@code .ci/run}) answering authoritatively from the records a test gives it, on a
 * free port, UDP and TCP. Nothing is forwarded upstream and nothing is cached negatively, so a name
 * the test did not publish is answered NXDOMAIN at once.
 *
 * <pre>
 * try (LoopbackDns dns = LoopbackDns.builder()
 *         .txt("t2t._domainkey.source.example", "v=DKIM1; k=rsa; p=MIIB...")
 *         .txt("source.example", "v=spf1 ip4:127.0.0.1 -all")
 *         .mx("source.example", "mx1.source.example", 10)
 *         .a("mx1.source.example", "127.0.0.2")
 *         .start()) {
 *     Resolver resolver = new SimpleResolver(dns.address());   // dnsjava
 * }
 * </pre>
 *
 * <p>A TXT text longer than 255 octets is published as several character-strings of at most 255,
 * the way DNS operators publish long DKIM keys; {@link Builder#txtStrings} publishes strings
 * exactly as given (to test how a reader joins them). {@link #stop()} (or {@code close()}) ends
 * the process; a stopped server is how a test makes DNS unreachable.
 *
 * <p>Does not: serve DNSSEC, wildcards, or change records while running (start another one).
 */
public final class LoopbackDns implements AutoCloseable {

    private static final String EXECUTABLE = "dnsmasq";
    private static final int MAX_CHARACTER_STRING = 255;

    private final Process process;
    private final int port;
    private final Path directory;

    private LoopbackDns(Process process, int port, Path directory) {
        this.process = process;
        this.port = port;
        this.directory = directory;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether dnsmasq can be run here; tests skip (or fail under CI) without it. */
    public static boolean available() {
        for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin"}) {
            if (Files.isExecutable(Path.of(dir, EXECUTABLE))) {
                return true;
            }
        }
        return false;
    }

    private static String executable() {
        for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin"}) {
            Path candidate = Path.of(dir, EXECUTABLE);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("dnsmasq is not installed (Debian: apt-get install dnsmasq-base; .ci/run does)");
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, the form our {@code --dns-server} options take. */
    public String hostAndPort() {
        return "127.0.0.1:" + port;
    }

    public InetAddress address() {
        return InetAddress.getLoopbackAddress();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    public void stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        stop();
        try {
            for (String file : new String[] {"dnsmasq.conf", "dnsmasq.log", "dnsmasq.out"}) {
                Files.deleteIfExists(directory.resolve(file));
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // a leftover temporary file is harmless; the process is what matters
        }
    }

    /** What dnsmasq logged (start-up problems, bad records). */
    public String log() throws IOException {
        Path log = directory.resolve("dnsmasq.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Records to publish; {@link #start()} writes them to a dnsmasq configuration and starts it. */
    public static final class Builder {

        private final List<String> lines = new ArrayList<>();

        private Builder() {
        }

        /** A TXT record; texts over 255 octets are split into several character-strings. */
        public Builder txt(String name, String text) {
            Objects.requireNonNull(text, "text");
            List<String> strings = new ArrayList<>();
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            for (int start = 0; start < bytes.length; start += MAX_CHARACTER_STRING) {
                int end = Math.min(bytes.length, start + MAX_CHARACTER_STRING);
                strings.add(new String(bytes, start, end - start, StandardCharsets.US_ASCII));
            }
            if (strings.isEmpty()) {
                strings.add("");
            }
            return txtStrings(name, strings.toArray(new String[0]));
        }

        /** A TXT record made of exactly these character-strings (each at most 255 octets). */
        public Builder txtStrings(String name, String... strings) {
            StringBuilder line = new StringBuilder("txt-record=").append(name(name));
            for (String string : strings) {
                if (string.length() > MAX_CHARACTER_STRING) {
                    throw new IllegalArgumentException("a DNS character-string holds at most 255 octets");
                }
                if (string.indexOf('"') >= 0 || string.indexOf('\\') >= 0 || string.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("quotes, backslashes and newlines are not supported: " + string);
                }
                line.append(",\"").append(string).append('"');
            }
            lines.add(line.toString());
            return this;
        }

        public Builder mx(String domain, String host, int preference) {
            lines.add("mx-host=" + name(domain) + "," + name(host) + "," + preference);
            return this;
        }

        /** An A (IPv4) or AAAA (IPv6) record. */
        public Builder a(String name, String address) {
            lines.add("host-record=" + name(name) + "," + address);
            return this;
        }

        public Builder cname(String alias, String target) {
            lines.add("cname=" + name(alias) + "," + name(target));
            return this;
        }

        private static String name(String name) {
            if (name.isEmpty() || name.contains(",") || name.contains(" ") || name.contains("\n")) {
                throw new IllegalArgumentException("not a DNS name: '" + name + "'");
            }
            return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        }

        /** Starts dnsmasq on a free port of 127.0.0.1 and waits until it answers. */
        public LoopbackDns start() throws IOException {
            Path directory = Files.createTempDirectory("t2t-dns");
            IOException lastFailure = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                int port = freeUdpAndTcpPort();
                Path conf = directory.resolve("dnsmasq.conf");
                List<String> all = new ArrayList<>();
                all.add("port=" + port);
                all.add("listen-address=127.0.0.1");
                all.add("bind-interfaces");
                all.add("no-resolv");
                all.add("no-hosts");
                all.add("no-poll");
                all.add("no-negcache");
                // Every name is ours: what was not published is NXDOMAIN, not REFUSED for want of an upstream.
                all.add("local=/#/");
                all.add("cache-size=0");
                all.add("user=" + System.getProperty("user.name"));
                all.add("log-queries");
                all.add("log-facility=" + directory.resolve("dnsmasq.log"));
                all.addAll(lines);
                Files.write(conf, all, StandardCharsets.US_ASCII);
                Process process = new ProcessBuilder(executable(), "--keep-in-foreground", "--conf-file=" + conf,
                        "--pid-file=")
                        .redirectErrorStream(true)
                        .redirectOutput(directory.resolve("dnsmasq.out").toFile())
                        .start();
                LoopbackDns dns = new LoopbackDns(process, port, directory);
                if (dns.awaitListening()) {
                    return dns;
                }
                dns.stop();
                lastFailure = new IOException("dnsmasq did not start on port " + port + ": "
                        + Files.readString(directory.resolve("dnsmasq.out"), StandardCharsets.UTF_8).trim());
            }
            throw lastFailure;
        }

        private static int freeUdpAndTcpPort() throws IOException {
            for (int attempt = 0; attempt < 20; attempt++) {
                try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    int port = tcp.getLocalPort();
                    try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                        return port;
                    } catch (IOException taken) {
                        // the UDP port is in use; try another
                    }
                }
            }
            throw new IOException("no free port with both TCP and UDP on 127.0.0.1");
        }
    }

    private boolean awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return true;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }
}
