package org.t2trewrite.server;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A loopback SMTP server for tests, standing in for the next hop: accepts every transaction and
 * stores its envelope and message bytes ({@link Delivery}). Advertises 8BITMIME and SMTPUTF8 so
 * that James's client sends 8-bit mail as it is (RFC 6152, RFC 6531), unless told not to
 * ({@link #advertise8BitMime}), which makes James downgrade 8-bit parts. Undoes dot-stuffing
 * (RFC 5321 §4.5.2) and nothing else: the stored bytes are what the client meant to send.
 *
 * <p>Offers STARTTLS (RFC 3207) once given a TLS context ({@link #offerStartTls}), optionally
 * asking the client for its certificate; each delivery records the TLS protocol and the client
 * certificate's subject, and a handshake the client broke off is counted
 * ({@link #failedHandshakes}).
 *
 * <p>Not a validator: it accepts any command argument, has no AUTH, no size limit, and does not
 * insist on STARTTLS.
 */
final class SmtpSink implements AutoCloseable {

    /** One SMTP transaction as received. */
    static final class Delivery {
        private final String mailFrom;
        private final List<String> rcpts;
        private final byte[] data;
        private final Optional<String> tlsProtocol;
        private final Optional<String> clientCertificateSubject;

        Delivery(String mailFrom, List<String> rcpts, byte[] data, Optional<SSLSession> tls) {
            this.mailFrom = mailFrom;
            this.rcpts = List.copyOf(rcpts);
            this.data = data.clone();
            this.tlsProtocol = tls.map(SSLSession::getProtocol);
            this.clientCertificateSubject = tls.flatMap(Delivery::peerSubject);
        }

        private static Optional<String> peerSubject(SSLSession session) {
            try {
                return Optional.of(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName());
            } catch (SSLPeerUnverifiedException noClientCertificate) {
                return Optional.empty();
            }
        }

        /** The TLS protocol of the session ({@code TLSv1.3}); empty when it was not encrypted. */
        Optional<String> tlsProtocol() {
            return tlsProtocol;
        }

        /** The subject (RFC 2253) of the certificate the client presented; empty if none. */
        Optional<String> clientCertificateSubject() {
            return clientCertificateSubject;
        }

        /** The reverse path without angle brackets; empty for the null sender. */
        String mailFrom() {
            return mailFrom;
        }

        List<String> rcpts() {
            return rcpts;
        }

        byte[] data() {
            return data.clone();
        }

        String dataAsString() {
            return new String(data, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return "Delivery[from=<" + mailFrom + "> rcpts=" + rcpts + " " + data.length + " bytes tls=" + tlsProtocol.orElse("none")
                + " client=" + clientCertificateSubject.orElse("none") + "]";
        }
    }

    private final ServerSocket server;
    private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "smtp-sink");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Delivery> deliveries = new ArrayList<>();
    private volatile boolean eightBitMime = true;
    private volatile SSLContext tls;
    private volatile boolean requestClientCertificate;
    private final AtomicInteger failedHandshakes = new AtomicInteger();
    private final AtomicInteger tlsSessions = new AtomicInteger();
    private volatile boolean refusing;
    private final AtomicInteger refused = new AtomicInteger();

    private SmtpSink(ServerSocket server) {
        this.server = server;
    }

    static SmtpSink start() throws IOException {
        return start(0);
    }

    /**
     * A sink on a given loopback port, e.g. the gateway a relay was started with while nothing
     * listened there ({@code 0}: any free port).
     */
    static SmtpSink start(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        SmtpSink sink = new SmtpSink(server);
        sink.workers.submit(sink::acceptLoop);
        return sink;
    }

    int port() {
        return server.getLocalPort();
    }

    /**
     * Whether EHLO advertises 8BITMIME, and with it SMTPUTF8 (which needs it, RFC 6531 §3.1). Read
     * at each EHLO, so it holds for the sessions that start after the call; James's RemoteDelivery
     * opens one per mail. Without it, a client must send 8-bit parts 7-bit (RFC 6152 §3).
     */
    /**
     * While on, every connection gets {@code 421} at once and is closed: a gateway that is down
     * (a temporary failure for the relay, which must retry).
     */
    void refuse(boolean value) {
        refusing = value;
    }

    /** How many connections were refused while {@link #refuse(boolean)} was on. */
    int refusedConnections() {
        return refused.get();
    }

    void advertise8BitMime(boolean value) {
        eightBitMime = value;
    }

    /**
     * Offers STARTTLS from the next EHLO on, with {@code context}'s certificate; with
     * {@code requestClientCertificate}, asks the client for one (and accepts a client without).
     * Sessions after the call use it: tests change the certificate between mails.
     */
    void offerStartTls(SSLContext context, boolean requestClientCertificate) {
        this.requestClientCertificate = requestClientCertificate;
        this.tls = context;
    }

    /** How many STARTTLS handshakes failed, e.g. because the client did not trust the certificate. */
    int failedHandshakes() {
        return failedHandshakes.get();
    }

    /** How many STARTTLS handshakes succeeded, whether or not the client then sent mail. */
    int tlsSessions() {
        return tlsSessions.get();
    }

    synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /**
     * Waits until {@code count} deliveries matching {@code filter} have arrived and returns them;
     * returns what arrived by the deadline otherwise (the caller's assertion then fails with it).
     */
    List<Delivery> await(Predicate<Delivery> filter, int count, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        synchronized (this) {
            while (true) {
                List<Delivery> matching = deliveries.stream().filter(filter).collect(Collectors.toList());
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (matching.size() >= count || left <= 0) {
                    return matching;
                }
                wait(left);
            }
        }
    }

    private synchronized void store(Delivery delivery) {
        deliveries.add(delivery);
        notifyAll();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                workers.submit(() -> serve(socket));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void serve(Socket plain) {
        Socket socket = plain;
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            Optional<SSLSession> session = Optional.empty();
            if (refusing) {
                refused.incrementAndGet();
                reply(out, "421 4.3.2 sink.test not available");
                return;
            }
            reply(out, "220 sink.test ESMTP");
            String mailFrom = null;
            List<String> rcpts = new ArrayList<>();
            while (true) {
                byte[] line = readLine(in);
                if (line == null) {
                    return;
                }
                String command = new String(line, StandardCharsets.ISO_8859_1).trim();
                String verb = command.toUpperCase(Locale.ROOT);
                SSLContext context = tls;
                if (verb.startsWith("EHLO")) {
                    reply(out, "250-sink.test\r\n" + (eightBitMime ? "250-8BITMIME\r\n250-SMTPUTF8\r\n" : "")
                        + (context != null && session.isEmpty() ? "250-STARTTLS\r\n" : "")
                        + "250-PIPELINING\r\n250 SIZE 104857600");
                } else if (verb.equals("STARTTLS") && context != null && session.isEmpty()) {
                    reply(out, "220 2.0.0 ready to start TLS");
                    SSLSocket secure = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
                    secure.setUseClientMode(false);
                    secure.setWantClientAuth(requestClientCertificate);
                    try {
                        secure.startHandshake();
                    } catch (IOException e) {
                        failedHandshakes.incrementAndGet();
                        secure.close();
                        return;
                    }
                    tlsSessions.incrementAndGet();
                    socket = secure;
                    in = new BufferedInputStream(secure.getInputStream());
                    out = new BufferedOutputStream(secure.getOutputStream());
                    session = Optional.of(secure.getSession());
                    // RFC 3207 §4.2: the client starts over with EHLO; nothing of before counts.
                    mailFrom = null;
                    rcpts.clear();
                } else if (verb.startsWith("HELO")) {
                    reply(out, "250 sink.test");
                } else if (verb.startsWith("MAIL FROM:")) {
                    mailFrom = path(command.substring("MAIL FROM:".length()));
                    rcpts.clear();
                    reply(out, "250 2.1.0 ok");
                } else if (verb.startsWith("RCPT TO:")) {
                    rcpts.add(path(command.substring("RCPT TO:".length())));
                    reply(out, "250 2.1.5 ok");
                } else if (verb.equals("DATA")) {
                    reply(out, "354 go ahead");
                    byte[] data = readData(in);
                    store(new Delivery(mailFrom == null ? "" : mailFrom, rcpts, data, session));
                    mailFrom = null;
                    rcpts.clear();
                    reply(out, "250 2.0.0 queued");
                } else if (verb.equals("RSET")) {
                    mailFrom = null;
                    rcpts.clear();
                    reply(out, "250 2.0.0 ok");
                } else if (verb.equals("NOOP")) {
                    reply(out, "250 2.0.0 ok");
                } else if (verb.equals("QUIT")) {
                    reply(out, "221 2.0.0 bye");
                    return;
                } else {
                    reply(out, "502 5.5.1 not implemented");
                }
            }
        } catch (IOException e) {
            // The client went away; nothing to store.
        } finally {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing is all that was left to do.
            }
        }
    }

    /** The address inside {@code <...>}, ignoring ESMTP parameters after it. */
    private static String path(String argument) {
        String trimmed = argument.trim();
        int open = trimmed.indexOf('<');
        int close = trimmed.indexOf('>', open + 1);
        if (open >= 0 && close > open) {
            return trimmed.substring(open + 1, close);
        }
        int space = trimmed.indexOf(' ');
        return space < 0 ? trimmed : trimmed.substring(0, space);
    }

    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (true) {
            byte[] line = readLine(in);
            if (line == null) {
                throw new IOException("connection closed during DATA");
            }
            if (isTerminator(line)) {
                return data.toByteArray();
            }
            if (line.length > 0 && line[0] == '.') {
                data.write(line, 1, line.length - 1);
            } else {
                data.write(line);
            }
        }
    }

    private static boolean isTerminator(byte[] line) {
        return (line.length == 3 && line[0] == '.' && line[1] == '\r' && line[2] == '\n')
            || (line.length == 2 && line[0] == '.' && line[1] == '\n');
    }

    /** One line including its line ending (LF or CRLF); null at end of stream. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
