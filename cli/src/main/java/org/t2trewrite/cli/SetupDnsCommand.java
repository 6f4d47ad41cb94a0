package org.t2trewrite.cli;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Tenant;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code t2t-rewrite setup dns}: for every domain the relay sends as (every tenant domain: DayOne
 * mail leaves as the target domain, DayTwo mail as the source domain), checks that receivers
 * will accept the rewritten mail: SPF authorises each relay address ({@link SpfEvaluator}, with
 * the {@code ip4:}/{@code ip6:} or {@code include:} to add, and RFC 7208's 10-lookup limit), DMARC
 * would pass (the policy at {@code _dmarc.<domain>}; our DKIM signature's {@code d=} is the
 * rewritten {@code From} domain and the envelope sender is rewritten to the same domain, so both
 * identifiers align under strict and relaxed modes; SPF then passes only where it authorises the
 * relay, DKIM where {@code setup dkim --verify} passes), and lists each domain's MX (the tenants'
 * inbound endpoints, for {@code ./relay --route-source/--route-target}).
 *
 * <pre>
 * t2t-rewrite setup dns --directory james-conf/directory.json --relay-ip 203.0.113.25 [--relay-ip ...]
 *     [--spf-include spf.relay.example.net] [--dns-server HOST:PORT]
 * </pre>
 *
 * Problems (exit 1): an SPF record that does not authorise a relay address, is over the lookup
 * limit or broken; a DMARC record that cannot be read; a domain without MX. Warnings: no DMARC
 * record (nothing to pass; nothing protects the domain either), or DMARC resting on DKIM alone.
 *
 * <p>Does not: find the organizational domain through the Public Suffix List (a subdomain without
 * its own {@code _dmarc} record is looked up at its last two labels), or change DNS.
 */
@Command(name = "dns", mixinStandardHelpOptions = true,
    description = "Check SPF, DMARC and MX of every tenant domain for the relay's addresses.")
public final class SetupDnsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    SetupConfig.Options config;

    @Option(names = "--relay-ip", required = true, paramLabel = "IP", description = "an address the relay sends from (repeatable)")
    List<String> relayIps;

    @Option(names = "--spf-include", paramLabel = "DOMAIN",
        description = "suggest include:DOMAIN (an SPF record the relay's operator publishes) rather than ip4:/ip6: terms")
    String spfInclude;

    @Mixin
    DnsServerOption dnsServer = new DnsServerOption();

    @Option(names = "--verbose", description = "Show stack traces of errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        return run(new SetupReport("dns", spec.commandLine().getOut(), spec.commandLine().getErr()));
    }

    int run(SetupReport report) throws Exception {
        SetupConfig setup = config.load();
        List<InetAddress> addresses = new ArrayList<>();
        for (String text : relayIps) {
            InetAddress address = SpfEvaluator.literal(text);
            if (address == null) {
                throw new IllegalArgumentException("--relay-ip: not an IPv4 or IPv6 address: '" + text + "'");
            }
            addresses.add(address);
        }
        DnsClient dns = DnsClient.of(dnsServer.address);
        SpfEvaluator spf = new SpfEvaluator(dns);
        for (Domain domain : setup.allDomains()) {
            boolean spfAuthorises = checkSpf(domain.name(), addresses, spf, report);
            checkDmarc(domain.name(), spfAuthorises, dns, report);
        }
        for (Tenant tenant : Tenant.values()) {
            for (Domain domain : setup.domains(tenant)) {
                checkMx(tenant, domain.name(), dns, report);
            }
        }
        if (report.hasProblems()) {
            report.next("change the DNS records named on stderr as shown, then run setup dns again");
        } else {
            report.next("setup graph (the eligibility groups), then setup exchange --tenant source and --tenant target");
        }
        return report.finish();
    }

    private boolean checkSpf(String domain, List<InetAddress> addresses, SpfEvaluator spf, SetupReport report) {
        SpfEvaluator.Record record = spf.record(domain);
        if (record.text.isEmpty()) {
            if (record.error == SpfEvaluator.Result.NONE) {
                report.problem("SPF of " + domain + ": none published; publish TXT \"v=spf1 " + additions(addresses)
                    + " -all\" (with the tenant's own include:spf.protection.outlook.com)");
            } else {
                report.problem("SPF of " + domain + ": " + record.error.label() + ": " + record.reason);
            }
            return false;
        }
        String text = record.text.get();
        int lookups = spf.lookupCount(domain);
        if (lookups > SpfEvaluator.LOOKUP_LIMIT) {
            report.problem("SPF of " + domain + " needs " + lookups + " DNS lookups; RFC 7208 §4.6.4 allows "
                + SpfEvaluator.LOOKUP_LIMIT + ", receivers answer permerror: replace includes by the ip4:/ip6: ranges they list");
        } else {
            report.ok("SPF of " + domain + " needs " + lookups + " of " + SpfEvaluator.LOOKUP_LIMIT + " DNS lookups");
        }
        List<InetAddress> missing = new ArrayList<>();
        for (InetAddress address : addresses) {
            SpfEvaluator.Evaluation evaluation = spf.evaluate(domain, address);
            if (evaluation.result == SpfEvaluator.Result.PASS) {
                report.ok("SPF of " + domain + " authorises " + address.getHostAddress() + " (" + evaluation.reason + ")");
            } else {
                missing.add(address);
                report.problem("SPF of " + domain + " does not authorise the relay's " + address.getHostAddress() + ": "
                    + evaluation.result.label() + " (" + evaluation.reason + ")");
            }
        }
        if (!missing.isEmpty()) {
            String suggested = withTerms(text, additions(missing));
            int after = lookups + (spfInclude == null ? 0 : 1);
            report.info("SPF of " + domain + ": publish TXT \"" + suggested + "\"");
            if (after > SpfEvaluator.LOOKUP_LIMIT) {
                report.warn("SPF of " + domain + ": with include:" + spfInclude + " the record needs " + after
                    + " lookups, over the limit: add the relay's ip4:/ip6: terms instead");
            }
        }
        return missing.isEmpty() && lookups <= SpfEvaluator.LOOKUP_LIMIT;
    }

    /** The terms that authorise the addresses: one include when given, else an ip4:/ip6: per address. */
    private String additions(List<InetAddress> addresses) {
        if (spfInclude != null) {
            return "include:" + spfInclude;
        }
        return addresses.stream()
            .map(address -> (address instanceof Inet4Address ? "ip4:" : "ip6:") + address.getHostAddress())
            .collect(Collectors.joining(" "));
    }

    /** The record with the terms inserted before its all or redirect= (they would never be reached after them). */
    static String withTerms(String record, String terms) {
        List<String> parts = new ArrayList<>(List.of(record.trim().split("\\s+")));
        int at = parts.size();
        for (int i = 1; i < parts.size(); i++) {
            String term = parts.get(i).toLowerCase(Locale.ROOT).replaceFirst("^[+\\-~?]", "");
            if (term.equals("all") || term.startsWith("redirect=")) {
                at = i;
                break;
            }
        }
        parts.add(at, terms);
        return String.join(" ", parts);
    }

    private static void checkDmarc(String domain, boolean spfAuthorises, DnsClient dns, SetupReport report) {
        String at = "_dmarc." + domain;
        DnsClient.Answer<String> answer = dns.txt(at);
        List<String> records = dmarcRecords(answer);
        String[] labels = domain.split("\\.");
        if (answer.kind() == DnsClient.Answer.Kind.NOT_FOUND && labels.length > 2) {
            at = "_dmarc." + labels[labels.length - 2] + "." + labels[labels.length - 1];
            answer = dns.txt(at);
            records = dmarcRecords(answer);
        }
        if (answer.kind() == DnsClient.Answer.Kind.UNAVAILABLE) {
            report.problem("DMARC of " + domain + " cannot be checked: " + answer.reason());
            return;
        }
        if (records.isEmpty()) {
            report.warn("DMARC of " + domain + ": no record at _dmarc." + domain + "; receivers apply no DMARC policy (nothing"
                + " to pass, and nothing protects the domain from spoofing): publish TXT \"v=DMARC1; p=none; rua=mailto:...\" to start");
            return;
        }
        if (records.size() > 1) {
            report.problem("DMARC of " + domain + ": " + records.size() + " records at " + at + "; RFC 7489 §6.6.3 makes receivers"
                + " ignore them all: keep one");
            return;
        }
        Map<String, String> tags = DkimRecordCheck.tags(records.get(0));
        String policy = tags.get("p");
        if (policy == null) {
            report.problem("DMARC of " + domain + ": the record at " + at + " has no p= tag (receivers ignore it)");
            return;
        }
        String adkim = tags.getOrDefault("adkim", "r");
        String aspf = tags.getOrDefault("aspf", "r");
        String applied = !at.equals("_dmarc." + domain) && tags.containsKey("sp") ? tags.get("sp") : policy;
        String mode = "p=" + applied + (at.equals("_dmarc." + domain) ? "" : " (from " + at + ")") + ", adkim=" + adkim + ", aspf=" + aspf;
        String dkim = "DKIM d=" + domain + " aligned with From " + domain;
        if (spfAuthorises) {
            report.ok("DMARC of " + domain + " (" + mode + ") passes for rewritten mail: " + dkim + " (once setup dkim --verify"
                + " passes) and SPF for envelope domain " + domain + ", aligned");
        } else {
            report.warn("DMARC of " + domain + " (" + mode + ") rests on DKIM alone (" + dkim + "): SPF does not authorise"
                + " the relay; fix SPF so that a broken signature does not make DMARC fail");
        }
    }

    private static List<String> dmarcRecords(DnsClient.Answer<String> answer) {
        return answer.values().stream().map(String::trim)
            .filter(text -> text.toLowerCase(Locale.ROOT).matches("^v\\s*=\\s*dmarc1\\s*(;.*)?$"))
            .collect(Collectors.toList());
    }

    private static void checkMx(Tenant tenant, String domain, DnsClient dns, SetupReport report) {
        DnsClient.Answer<DnsClient.Mx> answer = dns.mx(domain);
        switch (answer.kind()) {
            case FOUND: {
                List<DnsClient.Mx> hosts = new ArrayList<>(answer.values());
                hosts.sort((a, b) -> Integer.compare(a.preference, b.preference));
                String first = hosts.get(0).host;
                boolean exchange = first.toLowerCase(Locale.ROOT).endsWith(".mail.protection.outlook.com");
                report.ok("MX of " + domain + " (" + tenant.configName() + " tenant): "
                    + hosts.stream().map(DnsClient.Mx::toString).collect(Collectors.joining(", "))
                    + (exchange ? "; Exchange Online: ./relay --route-" + tenant.configName() + " " + first
                        : "; not Exchange Online (*.mail.protection.outlook.com), a gateway in front of the tenant: give ./relay --route-"
                        + tenant.configName() + " the tenant's own <domain>.mail.protection.outlook.com endpoint"));
                break;
            }
            case NOT_FOUND:
                report.problem("MX of " + domain + " (" + tenant.configName() + " tenant): none (" + answer.reason()
                    + "): mail to it cannot be delivered");
                break;
            default:
                report.problem("MX of " + domain + " cannot be checked: " + answer.reason());
                break;
        }
    }
}
