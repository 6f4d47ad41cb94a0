package org.t2trewrite.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS questions the setup steps ask, through dnsjava: TXT (each record's character-strings
 * joined, RFC 7208 §3.3 and RFC 6376 §3.6.2.2 read them so), MX, and A/AAAA. Asks the system's
 * resolver (dnsjava reads {@code /etc/resolv.conf}) or the one server of {@code --dns-server
 * HOST:PORT}. Nothing is cached: each question goes to the server.
 *
 * <p>Every answer is closed: found (with its values), not found (NXDOMAIN, or the name has no
 * record of that type), or unavailable (timeout, SERVFAIL), which is never taken for "not found".
 */
final class DnsClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    /** One answer: what was found, or why not. */
    static final class Answer<T> {
        enum Kind {
            FOUND, NOT_FOUND, UNAVAILABLE
        }

        private final Kind kind;
        private final List<T> values;
        private final String reason;

        private Answer(Kind kind, List<T> values, String reason) {
            this.kind = kind;
            this.values = List.copyOf(values);
            this.reason = reason;
        }

        Kind kind() {
            return kind;
        }

        List<T> values() {
            return values;
        }

        /** Why there is no value: "no such name", "no TXT record", or the failure. */
        String reason() {
            return reason;
        }
    }

    /** An MX record: preference and host. */
    static final class Mx {
        final int preference;
        final String host;

        Mx(int preference, String host) {
            this.preference = preference;
            this.host = host;
        }

        @Override
        public String toString() {
            return host + " (preference " + preference + ")";
        }
    }

    private final Resolver resolver;
    private final String description;

    private DnsClient(Resolver resolver, String description) {
        this.resolver = resolver;
        this.description = description;
    }

    /** The system's resolver, or with {@code hostAndPort} ({@code HOST:PORT}, {@code HOST}, {@code [V6]:PORT}) that server. */
    static DnsClient of(String hostAndPort) {
        if (hostAndPort == null) {
            return new DnsClient(Lookup.getDefaultResolver(), "the system resolver");
        }
        String host = hostAndPort;
        int port = 53;
        int colon = hostAndPort.lastIndexOf(':');
        if (hostAndPort.startsWith("[")) {
            int end = hostAndPort.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("--dns-server: expected HOST:PORT, got '" + hostAndPort + "'");
            }
            host = hostAndPort.substring(1, end);
            if (end + 1 < hostAndPort.length()) {
                port = port(hostAndPort, hostAndPort.substring(end + 1).replaceFirst("^:", ""));
            }
        } else if (colon >= 0 && hostAndPort.indexOf(':') == colon) {
            host = hostAndPort.substring(0, colon);
            port = port(hostAndPort, hostAndPort.substring(colon + 1));
        }
        SimpleResolver simple = new SimpleResolver(new InetSocketAddress(host, port));
        simple.setTimeout(TIMEOUT);
        return new DnsClient(simple, "DNS server " + hostAndPort);
    }

    private static int port(String whole, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--dns-server: not a port in '" + whole + "'");
    }

    /** Which server answers, for messages. */
    String description() {
        return description;
    }

    Answer<String> txt(String name) {
        return ask(name, Type.TXT, record -> String.join("", ((TXTRecord) record).getStrings()));
    }

    Answer<Mx> mx(String domain) {
        return ask(domain, Type.MX, record -> new Mx(((MXRecord) record).getPriority(), strip(((MXRecord) record).getTarget())));
    }

    /** A and AAAA records together; not found only when neither exists. */
    Answer<InetAddress> addresses(String name) {
        Answer<InetAddress> v4 = ask(name, Type.A, record -> ((ARecord) record).getAddress());
        Answer<InetAddress> v6 = ask(name, Type.AAAA, record -> ((AAAARecord) record).getAddress());
        if (v4.kind == Answer.Kind.UNAVAILABLE) {
            return v4;
        }
        if (v6.kind == Answer.Kind.UNAVAILABLE) {
            return v6;
        }
        List<InetAddress> all = new ArrayList<>(v4.values);
        all.addAll(v6.values);
        return all.isEmpty() ? new Answer<>(Answer.Kind.NOT_FOUND, List.of(), "no A or AAAA record")
            : new Answer<>(Answer.Kind.FOUND, all, null);
    }

    private <T> Answer<T> ask(String name, int type, Function<Record, T> value) {
        Lookup lookup;
        try {
            lookup = new Lookup(Name.fromString(name.endsWith(".") ? name : name + "."), type);
        } catch (TextParseException e) {
            return new Answer<>(Answer.Kind.NOT_FOUND, List.of(), "not a DNS name: " + name);
        }
        lookup.setResolver(resolver);
        lookup.setCache(null);
        Record[] records = lookup.run();
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL:
                List<T> values = new ArrayList<>();
                for (Record record : records) {
                    if (record.getType() == type) {
                        values.add(value.apply(record));
                    }
                }
                return values.isEmpty() ? new Answer<>(Answer.Kind.NOT_FOUND, List.of(), "no " + Type.string(type) + " record")
                    : new Answer<>(Answer.Kind.FOUND, values, null);
            case Lookup.HOST_NOT_FOUND:
                return new Answer<>(Answer.Kind.NOT_FOUND, List.of(), "no such name");
            case Lookup.TYPE_NOT_FOUND:
                return new Answer<>(Answer.Kind.NOT_FOUND, List.of(), "no " + Type.string(type) + " record");
            default:
                return new Answer<>(Answer.Kind.UNAVAILABLE, List.of(), Type.string(type) + " " + name + ": "
                    + lookup.getErrorString() + " (asking " + description + ")");
        }
    }

    private static String strip(Name name) {
        String text = name.toString();
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
