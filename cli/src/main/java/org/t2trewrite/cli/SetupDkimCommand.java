package org.t2trewrite.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.t2trewrite.core.Domain;
import org.t2trewrite.dkim.DkimAlgorithm;
import org.t2trewrite.dkim.DkimKey;
import org.t2trewrite.dkim.KeyName;
import org.t2trewrite.dkim.PemKeys;
import org.t2trewrite.dkim.Selector;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code t2t-rewrite setup dkim}: makes sure every tenant domain has a signing key in the relay's
 * key folder (the domains the relay signs for: a DayOne mail is signed for the target domain, a
 * DayTwo mail for the source domain), prints the TXT record of every key, and with
 * {@code --verify} checks that DNS publishes each of them ({@link DkimRecordCheck}).
 *
 * <pre>
 * t2t-rewrite setup dkim --keys ./work/dkim --directory james-conf/directory.json [--ed25519] [--verify [--dns-server 127.0.0.1:5353]]
 * </pre>
 *
 * <ul>
 *   <li>{@code --keys} — required — the relay's key folder ({@code ./relay --dkim-keys}); made
 *   (mode 0700) when missing.</li>
 *   <li>{@code --directory FILE} or {@code --config FILE} — one required — where the tenant domains are.</li>
 *   <li>{@code --selector} — default {@code t2t}, the selector {@code ./relay} uses — for a new RSA-2048 key.
 *   A domain that has an RSA key under any selector keeps it; rotate by giving a new selector
 *   (e.g. {@code t2t2027}) to {@code dkim-keygen} and removing the old file once DNS has the new record.</li>
 *   <li>{@code --ed25519} — also an Ed25519 key (RFC 8463) where a domain has none, under
 *   {@code --ed25519-selector} (default {@code t2ted}); the relay then signs twice.</li>
 *   <li>{@code --verify} — ask DNS; exit 0 only when every key's record is published and equal.</li>
 *   <li>{@code --dns-server HOST:PORT} — default the system resolver — the server to ask.</li>
 * </ul>
 * Never overwrites or removes a key file.
 */
@Command(name = "dkim", mixinStandardHelpOptions = true,
    description = "Create the missing DKIM keys per tenant domain, print their TXT records, --verify them in DNS.")
public final class SetupDkimCommand implements Callable<Integer> {
    static final String DEFAULT_SELECTOR = "t2t";
    static final String DEFAULT_ED25519_SELECTOR = "t2ted";

    @Spec
    private CommandSpec spec;

    @Mixin
    SetupConfig.Options config;

    @Option(names = "--keys", required = true, paramLabel = "DIR", description = "the relay's DKIM key folder")
    Path keys;

    @Option(names = "--selector", defaultValue = DEFAULT_SELECTOR, description = "selector of new RSA keys (default: ${DEFAULT-VALUE})")
    String selector;

    @Option(names = "--ed25519", description = "also create an Ed25519 key per domain")
    boolean ed25519;

    @Option(names = "--ed25519-selector", defaultValue = DEFAULT_ED25519_SELECTOR,
        description = "selector of new Ed25519 keys (default: ${DEFAULT-VALUE})")
    String ed25519Selector;

    @Option(names = "--verify", description = "check that DNS publishes every key's record")
    boolean verify;

    @Mixin
    DnsServerOption dnsServer = new DnsServerOption();

    @Option(names = "--verbose", description = "Show stack traces of errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        return run(new SetupReport("dkim", spec.commandLine().getOut(), spec.commandLine().getErr()));
    }

    int run(SetupReport report) throws Exception {
        SetupConfig setup = config.load();
        Selector rsaSelector = selector("--selector", selector);
        Selector edSelector = selector("--ed25519-selector", ed25519Selector);
        DnsClient dns = verify ? DnsClient.of(dnsServer.address) : null;
        if (!Files.isDirectory(keys)) {
            Files.createDirectories(keys);
            try {
                Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system (Windows): its ACLs are the operator's to set.
            }
            report.info("created the key folder " + keys);
        }
        List<Loaded> all = read();
        int missing = 0;
        for (Domain domain : setup.allDomains()) {
            List<Loaded> own = new ArrayList<>();
            for (Loaded loaded : all) {
                if (loaded.key.name().domain().equals(domain)) {
                    own.add(loaded);
                }
            }
            if (own.stream().noneMatch(loaded -> loaded.key.algorithm() == DkimAlgorithm.RSA_SHA256)) {
                own.add(create(KeyName.of(domain, rsaSelector), DkimKeygenCommand.rsaPem(DkimKeygenCommand.DEFAULT_RSA_BITS)));
            }
            if (ed25519 && own.stream().noneMatch(loaded -> loaded.key.algorithm() == DkimAlgorithm.ED25519_SHA256)) {
                own.add(create(KeyName.of(domain, edSelector), DkimKeygenCommand.ed25519Pem()));
            }
            for (Loaded loaded : own) {
                DkimKey key = loaded.key;
                report.info("; " + key + ", " + (loaded.created ? "new" : "kept") + " private key in " + loaded.file);
                report.info(TxtRecord.zoneLine(key.name().recordName(), key.publicKeyRecord()));
                if (key.algorithm() == DkimAlgorithm.RSA_SHA256 && key.bits() < PemKeys.RECOMMENDED_RSA_BITS) {
                    report.warn(key.name() + ": " + key.bits() + " bits; RFC 8301 asks for " + PemKeys.RECOMMENDED_RSA_BITS
                        + " (make a new key under a new selector)");
                }
                if (dns != null && !verified(key, dns, report)) {
                    missing++;
                }
            }
        }
        if (!verify) {
            report.next("publish the TXT records above in each domain's DNS, then: setup dkim --verify (same options)");
        } else if (missing > 0) {
            report.next("publish the " + missing + " record(s) named on stderr as printed above (DNS may take the record's TTL"
                + " to show a change), then run setup dkim --verify again");
        } else {
            report.next("setup dns --relay-ip IP (SPF and DMARC of the same domains)");
        }
        return report.finish();
    }

    private boolean verified(DkimKey key, DnsClient dns, SetupReport report) {
        String name = key.name().recordName();
        DkimRecordCheck.Result result = DkimRecordCheck.check(key, dns.txt(name));
        switch (result.outcome) {
            case EQUAL:
                report.ok(key.name().domain() + ": " + name + " publishes the key");
                return true;
            case DIFFERENT:
                report.problem(key.name().domain() + ": " + name + " differs from the key in the folder: " + result.detail);
                return false;
            case MISSING:
                report.problem(key.name().domain() + ": " + name + " is missing (" + result.detail + ")");
                return false;
            default:
                report.problem(key.name().domain() + ": " + name + " cannot be checked: " + result.detail);
                return false;
        }
    }

    private static Selector selector(String option, String value) {
        try {
            return Selector.of(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    private Loaded create(KeyName name, String pem) throws IOException {
        DkimKey key = PemKeys.read(name, "generated key", new StringReader(pem));
        Path file = keys.resolve(name.fileName());
        DkimKeygenCommand.write(file, pem);
        return new Loaded(key, file, true);
    }

    /** Every key of the folder, read by the relay's own loader; a bad file stops the step, named. */
    private List<Loaded> read() throws IOException {
        List<Loaded> loaded = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(keys)) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                if (fileName.startsWith(".") || !Files.isRegularFile(file)) {
                    continue;
                }
                Optional<KeyName> name = KeyName.parseFileName(fileName);
                if (name.isEmpty()) {
                    continue;
                }
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                    loaded.add(new Loaded(PemKeys.read(name.get(), file.toString(), reader), file, false));
                }
            }
        }
        loaded.sort((a, b) -> a.file.compareTo(b.file));
        return loaded;
    }

    private static final class Loaded {
        final DkimKey key;
        final Path file;
        final boolean created;

        Loaded(DkimKey key, Path file, boolean created) {
            this.key = key;
            this.file = file;
            this.created = created;
        }
    }
}
