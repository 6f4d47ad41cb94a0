package org.t2trewrite.cli;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A focused SPF evaluator (RFC 7208) for the setup wizard: does a domain's SPF record authorise
 * the relay's address, through which term, and how many DNS lookups does the record need.
 * Evaluates {@code all}, {@code include}, {@code a}, {@code mx}, {@code ip4}, {@code ip6},
 * {@code exists} and {@code redirect=} in order, first match wins, and counts the terms that
 * cost a DNS lookup ({@code include}, {@code a}, {@code mx}, {@code ptr}, {@code exists},
 * {@code redirect}) against RFC 7208 §4.6.4's limit of 10: one more is a permerror.
 *
 * <p>Does not: expand macros (a record with {@code %} in a domain-spec is reported as not
 * evaluated), evaluate {@code ptr} (counted, never matching; RFC 7208 §5.5 says not to use it),
 * count void lookups, or apply {@code exp=}. It answers the operator's question, it is not a
 * receiver's SPF implementation.
 */
final class SpfEvaluator {
    static final int LOOKUP_LIMIT = 10;
    private static final int MAX_DEPTH = 20;
    private static final Pattern VERSION = Pattern.compile("(?i)^v=spf1(\\s.*)?$");

    enum Result {
        PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, PERMERROR, TEMPERROR, NOT_EVALUATED;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** The result for one address, the term that decided it (or why not), and the lookups used. */
    static final class Evaluation {
        final Result result;
        final String reason;
        final int lookups;

        Evaluation(Result result, String reason, int lookups) {
            this.result = result;
            this.reason = reason;
            this.lookups = lookups;
        }
    }

    /** A domain's SPF record: found (exactly one), none, or an error. */
    static final class Record {
        final Optional<String> text;
        final Result error;
        final String reason;

        private Record(Optional<String> text, Result error, String reason) {
            this.text = text;
            this.error = error;
            this.reason = reason;
        }
    }

    private final DnsClient dns;

    SpfEvaluator(DnsClient dns) {
        this.dns = dns;
    }

    Record record(String domain) {
        DnsClient.Answer<String> answer = dns.txt(domain);
        if (answer.kind() == DnsClient.Answer.Kind.UNAVAILABLE) {
            return new Record(Optional.empty(), Result.TEMPERROR, answer.reason());
        }
        List<String> spf = new ArrayList<>();
        for (String text : answer.values()) {
            if (VERSION.matcher(text.trim()).matches()) {
                spf.add(text.trim());
            }
        }
        if (spf.isEmpty()) {
            return new Record(Optional.empty(), Result.NONE, "no SPF record (TXT v=spf1) at " + domain);
        }
        if (spf.size() > 1) {
            return new Record(Optional.empty(), Result.PERMERROR, domain + " has " + spf.size()
                + " SPF records; RFC 7208 §4.5 allows one (merge them)");
        }
        return new Record(Optional.of(spf.get(0)), null, null);
    }

    Evaluation evaluate(String domain, InetAddress address) {
        int[] lookups = {0};
        Evaluation evaluation = check(domain, address, lookups, 0);
        return new Evaluation(evaluation.result, evaluation.reason, lookups[0]);
    }

    /**
     * The DNS lookups the whole record needs when nothing matches early (every include and
     * redirect followed): what decides whether some sender hits the limit.
     */
    int lookupCount(String domain) {
        return count(domain, 0, new HashSet<>());
    }

    private int count(String domain, int depth, Set<String> seen) {
        if (depth > MAX_DEPTH || !seen.add(domain.toLowerCase(Locale.ROOT))) {
            return 0;
        }
        Record record = record(domain);
        if (record.text.isEmpty()) {
            return 0;
        }
        int total = 0;
        for (String term : terms(record.text.get())) {
            String body = term.replaceFirst("^[+\\-~?]", "");
            String name = mechanism(body);
            switch (name) {
                case "include":
                    total += 1 + count(argument(body).orElse(""), depth + 1, seen);
                    break;
                case "redirect":
                    total += 1 + count(body.substring(body.indexOf('=') + 1), depth + 1, seen);
                    break;
                case "a":
                case "mx":
                case "ptr":
                case "exists":
                    total++;
                    break;
                default:
                    break;
            }
        }
        return total;
    }

    private Evaluation check(String domain, InetAddress address, int[] lookups, int depth) {
        if (depth > MAX_DEPTH) {
            return new Evaluation(Result.PERMERROR, "includes nest deeper than " + MAX_DEPTH + " (a loop?)", 0);
        }
        Record record = record(domain);
        if (record.text.isEmpty()) {
            return new Evaluation(record.error, record.reason, 0);
        }
        Optional<String> redirect = Optional.empty();
        for (String term : terms(record.text.get())) {
            boolean qualified = "+-~?".indexOf(term.charAt(0)) >= 0;
            char qualifier = qualified ? term.charAt(0) : '+';
            String body = qualified ? term.substring(1) : term;
            String name = mechanism(body);
            if (body.contains("%")) {
                return new Evaluation(Result.NOT_EVALUATED, domain + ": '" + term + "' uses macros, not evaluated here", 0);
            }
            if (name.equals("redirect")) {
                redirect = Optional.of(body.substring(body.indexOf('=') + 1));
                continue;
            }
            if (body.contains("=")) {
                continue; // exp= and unknown modifiers (RFC 7208 §6) do not decide
            }
            boolean costs = name.equals("include") || name.equals("a") || name.equals("mx") || name.equals("ptr") || name.equals("exists");
            if (costs && ++lookups[0] > LOOKUP_LIMIT) {
                return new Evaluation(Result.PERMERROR, "more than " + LOOKUP_LIMIT + " DNS lookups (RFC 7208 §4.6.4), reached at "
                    + domain + "'s " + term, 0);
            }
            Optional<Evaluation> decided;
            try {
                decided = decide(name, qualifier, body, term, domain, address, lookups, depth);
            } catch (NumberFormatException e) {
                return new Evaluation(Result.PERMERROR, domain + ": '" + term + "' has a bad prefix length", 0);
            }
            if (decided.isPresent()) {
                return decided.get();
            }
        }
        if (redirect.isPresent()) {
            if (++lookups[0] > LOOKUP_LIMIT) {
                return new Evaluation(Result.PERMERROR, "more than " + LOOKUP_LIMIT + " DNS lookups (RFC 7208 §4.6.4), reached at "
                    + domain + "'s redirect=" + redirect.get(), 0);
            }
            Evaluation inner = check(redirect.get(), address, lookups, depth + 1);
            if (inner.result == Result.NONE) {
                return new Evaluation(Result.PERMERROR, domain + "'s redirect=" + redirect.get() + ": " + inner.reason, 0);
            }
            return new Evaluation(inner.result, "redirect=" + redirect.get() + " > " + inner.reason, 0);
        }
        return new Evaluation(Result.NEUTRAL, "no term of " + domain + "'s record matches (no all: neutral)", 0);
    }

    /** One mechanism: present when it ends the evaluation (it matched, or an error), empty to go on. */
    private Optional<Evaluation> decide(String name, char qualifier, String body, String term, String domain, InetAddress address,
                                        int[] lookups, int depth) {
        switch (name) {
            case "all":
                return Optional.of(matched(qualifier, domain, term));
            case "include": {
                Evaluation inner = check(argument(body).orElse(""), address, lookups, depth + 1);
                switch (inner.result) {
                    case PASS:
                        return Optional.of(matched(qualifier, domain, term + " > " + inner.reason));
                    case TEMPERROR:
                    case NOT_EVALUATED:
                        return Optional.of(inner);
                    case PERMERROR:
                    case NONE:
                        return Optional.of(new Evaluation(Result.PERMERROR, domain + "'s " + term + ": " + inner.reason, 0));
                    default:
                        return Optional.empty();
                }
            }
            case "a":
            case "mx": {
                String target = argument(body).map(value -> value.replaceFirst("/.*$", "")).filter(value -> !value.isEmpty())
                    .orElse(domain);
                List<String> hosts = new ArrayList<>();
                if (name.equals("a")) {
                    hosts.add(target);
                } else {
                    DnsClient.Answer<DnsClient.Mx> mx = dns.mx(target);
                    if (mx.kind() == DnsClient.Answer.Kind.UNAVAILABLE) {
                        return Optional.of(new Evaluation(Result.TEMPERROR, mx.reason(), 0));
                    }
                    mx.values().stream().limit(LOOKUP_LIMIT).forEach(host -> hosts.add(host.host));
                }
                int length = prefix(body, address);
                for (String host : hosts) {
                    DnsClient.Answer<InetAddress> addresses = dns.addresses(host);
                    if (addresses.kind() == DnsClient.Answer.Kind.UNAVAILABLE) {
                        return Optional.of(new Evaluation(Result.TEMPERROR, addresses.reason(), 0));
                    }
                    for (InetAddress candidate : addresses.values()) {
                        if (inNetwork(address, candidate, length)) {
                            return Optional.of(matched(qualifier, domain, term + " (" + host + " " + candidate.getHostAddress() + ")"));
                        }
                    }
                }
                return Optional.empty();
            }
            case "ip4":
            case "ip6": {
                String value = argument(body).orElse("");
                InetAddress network = literal(value.replaceFirst("/.*$", ""));
                if (network == null || name.equals("ip4") != (network instanceof Inet4Address)) {
                    return Optional.of(new Evaluation(Result.PERMERROR, domain + ": '" + term + "' is not a valid " + name, 0));
                }
                int length = value.contains("/") ? Integer.parseInt(value.substring(value.indexOf('/') + 1)) : -1;
                return inNetwork(address, network, length) ? Optional.of(matched(qualifier, domain, term)) : Optional.empty();
            }
            case "exists": {
                DnsClient.Answer<InetAddress> addresses = dns.addresses(argument(body).orElse(""));
                if (addresses.kind() == DnsClient.Answer.Kind.UNAVAILABLE) {
                    return Optional.of(new Evaluation(Result.TEMPERROR, addresses.reason(), 0));
                }
                return addresses.values().isEmpty() ? Optional.empty() : Optional.of(matched(qualifier, domain, term));
            }
            case "ptr":
                return Optional.empty();
            default:
                return Optional.of(new Evaluation(Result.PERMERROR, domain + ": unknown mechanism '" + term + "'", 0));
        }
    }

    private static Evaluation matched(char qualifier, String domain, String term) {
        Result result = qualifier == '-' ? Result.FAIL : qualifier == '~' ? Result.SOFTFAIL : qualifier == '?' ? Result.NEUTRAL : Result.PASS;
        return new Evaluation(result, domain + ": " + term, 0);
    }

    static List<String> terms(String record) {
        List<String> terms = new ArrayList<>();
        String[] parts = record.trim().split("\\s+");
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                terms.add(parts[i]);
            }
        }
        return terms;
    }

    private static String mechanism(String body) {
        int end = body.length();
        for (char separator : new char[] {':', '/', '='}) {
            int at = body.indexOf(separator);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return body.substring(0, end).toLowerCase(Locale.ROOT);
    }

    private static Optional<String> argument(String body) {
        int colon = body.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(body.substring(colon + 1));
    }

    /** The dual-cidr-length of an a or mx term for this address family (RFC 7208 §5.6); -1: whole address. */
    private static int prefix(String body, InetAddress address) {
        String[] parts = body.split("/", -1);
        // a/24, a:host/24, a/24//64, a//64
        String v4 = parts.length > 1 ? parts[1] : "";
        String v6 = parts.length > 3 ? parts[3] : "";
        String chosen = address instanceof Inet6Address ? v6 : v4;
        return chosen.isEmpty() ? -1 : Integer.parseInt(chosen);
    }

    static boolean inNetwork(InetAddress address, InetAddress network, int prefixLength) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int bits = prefixLength < 0 ? a.length * 8 : prefixLength;
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (n[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** An IPv4 or IPv6 literal, never a name (no DNS lookup); null when it is not one. */
    static InetAddress literal(String text) {
        boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = text.contains(":") && text.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
