package org.t2trewrite.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;


import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code t2t-rewrite setup all}: every step in order (tls, dkim with {@code --verify}, dns, graph,
 * exchange for the source and then the target tenant), each with the options it takes, then a
 * summary table: step, status ({@code ok}, {@code warnings}, {@code FAILED}, {@code skipped}) and
 * what to do. A step whose options are missing is skipped, saying which to give (tls without
 * {@code --cert}, dns without {@code --relay-ip}, graph without {@code --config}, exchange without
 * {@code --relay-host} or {@code --host}); a step that fails does not stop the next ones.
 *
 * <pre>
 * t2t-rewrite setup all --directory james-conf/directory.json --work-dir ./work \
 *     --cert relay.pem --key relay.key --host relay.example.net --relay-ip 203.0.113.25 [--dns-server HOST:PORT]
 * </pre>
 *
 * Exit code 0 when no step failed (skipped steps allowed), 1 otherwise.
 */
@Command(name = "all", mixinStandardHelpOptions = true,
    description = "Run every setup step in order, then print a summary table (step, status, what to do).")
public final class SetupAllCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    SetupConfig.Options config;

    @Option(names = "--cert", paramLabel = "FILE", description = "tls: the relay's certificate chain (PEM or PKCS#12)")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "tls: its private key (PEM)")
    Path key;

    @Option(names = "--password-file", paramLabel = "FILE", description = "tls: the PKCS#12 password")
    Path passwordFile;

    @Option(names = "--host", paramLabel = "NAME", description = "tls: a host name of the relay (repeatable); exchange: the smart"
        + " hosts when no --relay-host is given")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--work-dir", paramLabel = "DIR", description = "tls: install into DIR/setup/tls; dkim: keys in DIR/dkim by default")
    Path workDir;

    @Option(names = "--keys", paramLabel = "DIR", description = "dkim: the key folder (default: WORK-DIR/dkim, else ./work/dkim)")
    Path keys;

    @Option(names = "--ed25519", description = "dkim: also Ed25519 keys")
    boolean ed25519;

    @Option(names = "--relay-ip", paramLabel = "IP", description = "dns and exchange: an address the relay sends from (repeatable)")
    List<String> relayIps = new ArrayList<>();

    @Option(names = "--spf-include", paramLabel = "DOMAIN", description = "dns: suggest include:DOMAIN for SPF")
    String spfInclude;

    @Mixin
    DnsServerOption dnsServer = new DnsServerOption();

    @Option(names = "--relay-host", paramLabel = "NAME", description = "exchange: a smart host name (repeatable; default: --host)")
    List<String> relayHosts = new ArrayList<>();

    @Option(names = "--tls-cert-name", paramLabel = "NAME", description = "exchange: the relay certificate's name")
    String tlsCertName;

    @Option(names = "--inbound-by", defaultValue = "certificate", paramLabel = "HOW", description = "exchange: certificate or ip")
    ExchangeScript.InboundBy inboundBy;

    @Option(names = "--except", paramLabel = "ADDRESS_OR_DOMAIN", description = "exchange: never through the relay (repeatable)")
    List<String> except = new ArrayList<>();

    @Mixin
    GroupNameOptions groups = new GroupNameOptions();

    @Option(names = "--verbose", description = "Show stack traces of errors")
    boolean verbose;

    /** One row of the summary. */
    private static final class Row {
        final String step;
        final String status;
        final String todo;

        Row(String step, String status, String todo) {
            this.step = step;
            this.status = status;
            this.todo = todo;
        }
    }

    @FunctionalInterface
    private interface Step {
        int run(SetupReport report) throws Exception;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Row> rows = new ArrayList<>();
        List<String> smartHosts = relayHosts.isEmpty() ? hosts : relayHosts;

        if (cert == null || hosts.isEmpty()) {
            rows.add(skipped("tls", "give --cert (and --key) and --host: setup tls checks and installs the certificate"));
        } else {
            SetupTlsCommand tls = new SetupTlsCommand();
            tls.cert = cert;
            tls.key = key;
            tls.passwordFile = passwordFile;
            tls.hosts = hosts;
            tls.workDir = workDir;
            tls.warnDays = 30;
            rows.add(step("tls", out, err, "", tls::run));
        }

        SetupDkimCommand dkim = new SetupDkimCommand();
        dkim.config = config;
        dkim.keys = keys != null ? keys : (workDir != null ? workDir : Path.of("work")).resolve("dkim");
        dkim.selector = SetupDkimCommand.DEFAULT_SELECTOR;
        dkim.ed25519 = ed25519;
        dkim.ed25519Selector = SetupDkimCommand.DEFAULT_ED25519_SELECTOR;
        dkim.verify = true;
        dkim.dnsServer.address = dnsServer.address;
        rows.add(step("dkim", out, err, "", dkim::run));

        if (relayIps.isEmpty()) {
            rows.add(skipped("dns", "give --relay-ip: setup dns checks SPF, DMARC and MX for the relay's addresses"));
        } else {
            SetupDnsCommand dns = new SetupDnsCommand();
            dns.config = config;
            dns.relayIps = relayIps;
            dns.spfInclude = spfInclude;
            dns.dnsServer.address = dnsServer.address;
            rows.add(step("dns", out, err, "", dns::run));
        }

        if (config.source.config == null) {
            rows.add(skipped("graph", "the file directory needs no Graph; with the Graph directory give --config"));
        } else {
            SetupGraphCommand graph = new SetupGraphCommand();
            graph.options = new GraphCheckOptions();
            graph.options.config = config.source.config;
            graph.options.createIn = "source";
            graph.options.show = 10;
            graph.options.verbose = verbose;
            rows.add(step("graph", out, err, "", graph::run));
        }

        for (String tenant : new String[] {"source", "target"}) {
            if (smartHosts.isEmpty()) {
                rows.add(skipped("exchange " + tenant, "give --relay-host (or --host): the connectors need the relay's names"));
                continue;
            }
            SetupExchangeCommand exchange = new SetupExchangeCommand();
            exchange.config = config;
            exchange.tenant = tenant;
            exchange.relayHosts = smartHosts;
            exchange.tlsCertName = tlsCertName;
            exchange.relayIps = relayIps;
            exchange.inboundBy = inboundBy;
            exchange.except = except;
            exchange.groups.dayOne = groups.dayOne;
            exchange.groups.dayTwo = groups.dayTwo;
            rows.add(step("exchange " + tenant, out, err, "# ", exchange::run));
        }

        out.println();
        out.println("Summary");
        out.println(String.format("%-17s %-9s %s", "step", "status", "what to do"));
        boolean failed = false;
        for (Row row : rows) {
            out.println(String.format("%-17s %-9s %s", row.step, row.status, row.todo));
            failed |= row.status.equals("FAILED");
        }
        out.flush();
        return failed ? T2tRewriteCli.FAILED : 0;
    }

    private Row step(String name, PrintWriter out, PrintWriter err, String prefix, Step step) {
        out.println(prefix + "== setup " + name + " ==");
        out.flush();
        SetupReport report = new SetupReport(name, prefix, out, err);
        int code;
        try {
            code = step.run(report);
        } catch (Exception e) {
            err.println("t2t-rewrite setup " + name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return new Row(name, "FAILED", "fix the error above, then run setup " + name.replaceFirst(" .*", "") + " alone");
        }
        out.println();
        String status = code != 0 || report.hasProblems() ? "FAILED"
            : report.status() == SetupReport.Status.WARNINGS ? "warnings" : "ok";
        return new Row(name, status, report.firstNext().orElse(""));
    }

    private static Row skipped(String name, String todo) {
        return new Row(name, "skipped", todo);
    }
}
