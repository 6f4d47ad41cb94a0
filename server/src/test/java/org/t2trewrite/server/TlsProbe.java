package org.t2trewrite.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code java TlsProbe PORT PROTOCOL}: connects to 127.0.0.1:PORT, says EHLO and STARTTLS, and
 * tries a TLS handshake offering exactly PROTOCOL ({@code TLSv1.1}); prints
 * {@code negotiated TLSv1.1} or {@code refused: <reason>}. Accepts any server certificate: it
 * probes protocol versions, nothing else.
 *
 * <p>Its own JVM, because JDK 17 disables TLS 1.0 and 1.1 for the whole JVM
 * ({@code jdk.tls.disabledAlgorithms}, read once): the caller starts it with
 * {@code -Djava.security.properties=} a file that re-enables them, so that a refusal it prints is
 * the server's and not this client's.
 */
public final class TlsProbe {
    private TlsProbe() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String protocol = args[1];
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            readReply(in);
            out.write("EHLO probe.example\r\n".getBytes(StandardCharsets.US_ASCII));
            readReply(in);
            out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            String ready = readReply(in);
            if (!ready.startsWith("220")) {
                System.out.println("refused: STARTTLS answered " + ready);
                return;
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyCertificate()}, new SecureRandom());
            SSLSocket secure = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", port, true);
            secure.setEnabledProtocols(new String[] {protocol});
            try {
                secure.startHandshake();
                System.out.println("negotiated " + secure.getSession().getProtocol());
            } catch (Exception e) {
                System.out.println("refused: " + e);
            }
        }
    }

    private static String readReply(BufferedReader in) throws Exception {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IllegalStateException("connection closed");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
