package org.t2trewrite.server;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A raw SMTP client for tests: sends exactly the given message bytes (dot-stuffed on the wire,
 * RFC 5321 §4.5.2, nothing else), so that what arrives can be compared byte by byte. One
 * instance is one session; {@link #send} runs a whole transaction and fails on any rejection.
 */
final class SmtpClient implements AutoCloseable {

    /** A final SMTP reply: its code and its text lines joined. */
    static final class Reply {
        private final int code;
        private final String text;

        Reply(int code, String text) {
            this.code = code;
            this.text = text;
        }

        int code() {
            return code;
        }

        String text() {
            return text;
        }

        boolean isPositive() {
            return code >= 200 && code < 400;
        }

        @Override
        public String toString() {
            return code + " " + text;
        }
    }

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private Reply ehlo;

    private SmtpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    /** Connects to 127.0.0.1:port, reads the greeting and says EHLO. */
    static SmtpClient connect(int port) throws IOException {
        SmtpClient client = new SmtpClient(new Socket(InetAddress.getLoopbackAddress(), port));
        client.socket.setSoTimeout(120_000);
        client.expect(client.read(), "greeting");
        client.ehlo = client.command("EHLO client.example");
        client.expect(client.ehlo, "EHLO");
        return client;
    }

    /** Whether the last EHLO reply announced {@code extension} (e.g. STARTTLS). */
    boolean announces(String extension) {
        return Arrays.stream(ehlo.text.split(" ")).anyMatch(keyword -> keyword.equalsIgnoreCase(extension));
    }

    /**
     * STARTTLS (RFC 3207): on {@code 220}, a TLS handshake as a client of {@code tls}, then EHLO
     * again; returns the session. Fails if the server refuses or the handshake fails.
     */
    SSLSession startTls(SSLSocketFactory tls) throws IOException {
        expect(command("STARTTLS"), "STARTTLS");
        SSLSocket secure = (SSLSocket) tls.createSocket(socket, "127.0.0.1", socket.getPort(), true);
        secure.setUseClientMode(true);
        secure.startHandshake();
        socket = secure;
        in = secure.getInputStream();
        out = new BufferedOutputStream(secure.getOutputStream());
        ehlo = command("EHLO client.example");
        expect(ehlo, "EHLO after STARTTLS");
        return secure.getSession();
    }

    /** Sends one message over a new session: MAIL FROM:&lt;sender&gt; ("" is the null sender). */
    static void sendMessage(int port, String sender, List<String> recipients, byte[] message) throws IOException {
        try (SmtpClient client = connect(port)) {
            client.send(sender, recipients, message);
        }
    }

    void send(String sender, List<String> recipients, byte[] message) throws IOException {
        expect(command("MAIL FROM:<" + sender + ">"), "MAIL FROM");
        for (String recipient : recipients) {
            expect(command("RCPT TO:<" + recipient + ">"), "RCPT TO " + recipient);
        }
        expect(command("DATA"), "DATA");
        expect(data(message), "end of DATA");
    }

    Reply command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return read();
    }

    /** Sends the message after a 354, stuffed, with the final dot; returns the reply to it. */
    Reply data(byte[] message) throws IOException {
        boolean lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) {
            out.write(new byte[] {'\r', '\n'});
        }
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read();
    }

    private Reply read() throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            String line = readLine();
            if (line.length() < 3) {
                throw new IOException("not an SMTP reply: '" + line + "'");
            }
            text.append(line.length() > 4 ? line.substring(4) : "").append(' ');
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), text.toString().trim());
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b == -1 && line.size() == 0) {
            throw new IOException("connection closed by the server");
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static void expect(Reply reply, String step) throws IOException {
        if (!reply.isPositive()) {
            throw new IOException(step + " refused: " + reply);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            command("QUIT");
        } catch (IOException e) {
            // Already closed by the server: nothing left to say.
        } finally {
            socket.close();
        }
    }
}
