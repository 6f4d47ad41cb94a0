package org.t2trewrite.dkim;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.apache.james.jspf.impl.DNSServiceXBillImpl;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS that authentication checks use (dnsjava): one resolver with a short per-query time-out,
 * the system's name servers or one given server ({@code HOST:PORT}), and a cache shared by every
 * mail (answers kept for their TTL, negative answers too), so that a sender's key or policy is
 * fetched once, not per mail.
 *
 * <p>Each mail gets its own {@link Budget} ({@link #budget}): a deadline after which every further
 * look-up answers a temporary failure at once, so a mail never waits for DNS longer than its budget
 * plus one query time-out (the budget is checked before each query). A query that times out, a
 * server failure or an unreachable server is a temporary failure, never "no record".
 *
 * <p>Thread safe. Does not validate DNSSEC.
 */
public final class CachedDns {
    private final Resolver resolver;
    private final Cache cache;
    private final Duration budget;
    private final Clock clock;
    private final String description;

    private CachedDns(Resolver resolver, Duration budget, Clock clock, String description) {
        this.resolver = resolver;
        this.cache = new Cache(DClass.IN);
        this.budget = budget;
        this.clock = clock;
        this.description = description;
    }

    /**
     * @param server {@code HOST:PORT} of one name server, or empty for the system's resolvers
     *        ({@code /etc/resolv.conf})
     * @throws IllegalArgumentException naming the value when it is not {@code HOST:PORT}, or a
     *         duration is not positive
     */
    public static CachedDns create(String server, Duration queryTimeout, Duration budget, Clock clock) {
        if (queryTimeout.isNegative() || queryTimeout.isZero() || budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("DNS time-outs must be positive, got " + queryTimeout + " and " + budget);
        }
        Resolver resolver;
        String description;
        if (server.trim().isEmpty()) {
            List<Resolver> system = new ArrayList<>();
            for (InetSocketAddress address : ResolverConfig.getCurrentConfig().servers()) {
                system.add(new SimpleResolver(address));
            }
            ExtendedResolver extended = system.isEmpty() ? new ExtendedResolver() : new ExtendedResolver(system);
            extended.setRetries(1);
            resolver = extended;
            description = "the system's name servers " + ResolverConfig.getCurrentConfig().servers();
        } else {
            InetSocketAddress address = hostAndPort(server.trim());
            resolver = new SimpleResolver(address);
            description = "name server " + server.trim();
        }
        resolver.setTimeout(queryTimeout);
        return new CachedDns(resolver, budget, clock, description + ", " + queryTimeout.toMillis() + " ms per query, "
            + budget.toMillis() + " ms per mail");
    }

    private static InetSocketAddress hostAndPort(String value) {
        int colon = value.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException("no port");
            }
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException("port out of range");
            }
            String host = value.substring(0, colon).replace("[", "").replace("]", "");
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("DNS server '" + value + "' is not HOST:PORT (" + e.getMessage() + ")", e);
        }
    }

    /** A fresh budget for one mail's look-ups. */
    public Budget budget() {
        return new Budget(clock.instant().plus(budget));
    }

    @Override
    public String toString() {
        return description;
    }

    /** One mail's look-ups, until its deadline: TXT for DKIM, ARC and DMARC, and jSPF's look-ups. */
    public final class Budget implements TxtLookup, DNSService {
        private final Instant deadline;
        private int recordLimit = 10;

        private Budget(Instant deadline) {
            this.deadline = deadline;
        }

        @Override
        public TxtAnswer txt(String name) {
            Records records = records(name, Type.TXT);
            if (records.failure != null) {
                return TxtAnswer.temporaryFailure(records.failure);
            }
            if (records.records.length == 0) {
                return TxtAnswer.none();
            }
            List<String> texts = new ArrayList<>();
            for (Record record : records.records) {
                if (record instanceof TXTRecord) {
                    // RFC 6376 §3.6.2.2: the strings of one record are concatenated without separator.
                    texts.add(String.join("", ((TXTRecord) record).getStrings()));
                }
            }
            return texts.isEmpty() ? TxtAnswer.none() : TxtAnswer.found(texts);
        }

        private Records records(String name, int type) {
            if (!clock.instant().isBefore(deadline)) {
                return Records.failed("DNS budget for this mail spent before " + name + " " + Type.string(type));
            }
            Lookup lookup;
            try {
                lookup = new Lookup(Name.fromString(name.endsWith(".") ? name : name + "."), type, DClass.IN);
            } catch (TextParseException e) {
                return new Records(new Record[0], null);
            }
            lookup.setResolver(resolver);
            lookup.setCache(cache);
            Record[] found = lookup.run();
            switch (lookup.getResult()) {
                case Lookup.SUCCESSFUL:
                    return new Records(found, null);
                case Lookup.HOST_NOT_FOUND:
                case Lookup.TYPE_NOT_FOUND:
                    return new Records(new Record[0], null);
                default:
                    return Records.failed(name + " " + Type.string(type) + ": " + lookup.getErrorString());
            }
        }

        @Override
        public List<String> getRecords(DNSRequest request) throws TimeoutException {
            int type;
            switch (request.getRecordType()) {
                case DNSRequest.A: type = Type.A; break;
                case DNSRequest.AAAA: type = Type.AAAA; break;
                case DNSRequest.MX: type = Type.MX; break;
                case DNSRequest.PTR: type = Type.PTR; break;
                case DNSRequest.TXT: type = Type.TXT; break;
                case DNSRequest.SPF: type = Type.SPF; break;
                default: return null;
            }
            Records records = records(request.getHostname(), type);
            if (records.failure != null) {
                throw new TimeoutException(records.failure);
            }
            // jSPF's own conversion of records to strings, and its null for "none".
            return records.records.length == 0 ? null : DNSServiceXBillImpl.convertRecordsToList(records.records);
        }

        @Override
        public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
            try {
                return CompletableFuture.completedFuture(getRecords(request));
            } catch (TimeoutException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        /**
         * jSPF (RFC 7208) over these look-ups, wired as jSPF's own {@code SPF(DNSService)} but with
         * its synchronous executor: the asynchronous one stops after the first look-up (the SPF
         * type) when futures complete at once, and every result would read {@code none}.
         */
        public SPF spf() {
            WiringServiceTable wiring = new WiringServiceTable();
            wiring.put(DNSServiceEnabled.class, this);
            MacroExpand macroExpand = new MacroExpand(this);
            wiring.put(MacroExpandEnabled.class, macroExpand);
            SPF spf = new SPF(this, new RFC4408SPF1Parser(new DefaultTermsFactory(wiring)), macroExpand,
                new SynchronousSPFExecutor(this));
            wiring.put(SPFCheckEnabled.class, spf);
            return spf;
        }

        @Override
        public List<String> getLocalDomainNames() {
            return List.of("localhost");
        }

        @Override
        public void setTimeOut(int timeOut) {
            // The resolver's time-out is fixed at configuration; jSPF's setting is ignored.
        }

        @Override
        public int getRecordLimit() {
            return recordLimit;
        }

        @Override
        public void setRecordLimit(int recordLimit) {
            this.recordLimit = recordLimit;
        }
    }

    private static final class Records {
        private final Record[] records;
        private final String failure;

        private Records(Record[] records, String failure) {
            this.records = Objects.requireNonNull(records);
            this.failure = failure;
        }

        static Records failed(String why) {
            return new Records(new Record[0], why);
        }
    }
}
