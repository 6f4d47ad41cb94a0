package org.t2trewrite.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.directory.file.DirectoryFile;
import org.t2trewrite.dkim.DkimKey;
import org.t2trewrite.dkim.KeyFolder;
import org.t2trewrite.dkim.KeyName;
import org.t2trewrite.dkim.Selector;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code t2t-rewrite arc-records}: for the relay's ARC sealing key
 * ({@code <selector>._domainkey.<sealing domain>.pem} in the key folder, made with
 * {@code dkim-keygen --domain <sealing domain> --selector <selector>}), prints the TXT record to
 * publish and, for each tenant, the {@code Set-ArcConfig} that makes it trust the sealer
 * ({@link ExchangeArcConfig}).
 *
 * <p>Reads only; touches neither DNS nor Exchange. Exit 1 when the key is missing or unreadable.
 */
@Command(name = "arc-records", mixinStandardHelpOptions = true,
    description = "Print the ARC sealing key's DNS TXT record and each tenant's Set-ArcConfig.")
public final class ArcRecordsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--sealing-domain", required = true, description = "The relay's sealing domain (d= of its ARC seals)")
    private String sealingDomain;

    @Option(names = "--selector", defaultValue = "arc", description = "Selector of the sealing key (default: ${DEFAULT-VALUE})")
    private String selector;

    @Option(names = "--keys", required = true, description = "The relay's DKIM key folder")
    private Path keys;

    @Option(names = "--for-directory", paramLabel = "FILE", description = "Directory file: name each tenant by its domains")
    private Path directory;

    @Option(names = "--verbose", description = "Show stack traces of errors")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        KeyName name = KeyName.of(Domain.of(sealingDomain), Selector.of(selector));
        Optional<DkimKey> key = KeyFolder.open(keys, Clock.systemUTC(), Duration.ofDays(1)).current()
            .keysFor(name.domain()).stream().filter(k -> k.name().equals(name)).findFirst();
        if (key.isEmpty()) {
            throw new IllegalArgumentException("no sealing key " + name.fileName() + " in " + keys
                + " (make it with: dkim-keygen --domain " + name.domain() + " --selector " + name.selector() + " --out " + keys + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("; ARC sealing key " + key.get() + ": publish");
        out.println(TxtRecord.zoneLine(name.recordName(), key.get().publicKeyRecord()));
        out.println();
        DirectorySnapshot snapshot = directory == null ? null : DirectoryFile.parse(directory, java.time.Instant.now());
        for (Tenant tenant : Tenant.values()) {
            String label = tenant.name().toLowerCase(java.util.Locale.ROOT);
            if (snapshot != null) {
                label += " " + snapshot.tenants().domains(tenant);
            }
            out.println(ExchangeArcConfig.trustSealer(label, name.domain()));
        }
        out.flush();
        return 0;
    }
}
