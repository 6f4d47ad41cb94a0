package org.t2trewrite.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code t2t-rewrite setup tls}: checks the relay's certificate and key (see
 * {@link CertificateCheck}: dates with days left, key size, chain order, host names, key matches
 * certificate) and, with {@code --work-dir}, installs them where {@code ./relay} looks for them:
 * {@code WORK-DIR/setup/tls/cert.pem} (the chain as PEM, the relay's certificate first) and
 * {@code WORK-DIR/setup/tls/key.pem} (PKCS#8 PEM, mode 0600). {@code ./relay --work-dir WORK-DIR}
 * started without {@code --tls-cert}/{@code --tls-key} then offers STARTTLS with them, exactly as
 * if they had been given as those options.
 *
 * <pre>
 * t2t-rewrite setup tls --cert relay.pem --key relay.key --host relay.example.net [--host ...] [--work-dir ./work]
 * t2t-rewrite setup tls --cert relay.p12 [--password-file FILE] --host relay.example.net --work-dir ./work
 * </pre>
 *
 * <ul>
 *   <li>{@code --cert} — required — PEM (the certificate, then its chain) or PKCS#12 ({@code .p12},
 *   {@code .pfx}: the key entry's chain and key; then no {@code --key}).</li>
 *   <li>{@code --key} — required with PEM — the private key, unencrypted PEM.</li>
 *   <li>{@code --password-file} — default empty password — the PKCS#12 password (first line).</li>
 *   <li>{@code --host} — required, repeatable — every name the relay is reached by (the smart
 *   host names in the tenants' outbound connectors).</li>
 *   <li>{@code --work-dir} — default none: check only — install into this work dir.</li>
 *   <li>{@code --warn-days} — default 30 — warn when the certificate expires sooner.</li>
 * </ul>
 * Installs nothing when a problem was found. Does not restart the relay.
 */
@Command(name = "tls", mixinStandardHelpOptions = true,
    description = "Check the relay's TLS certificate and key and install them into the relay's work dir.")
public final class SetupTlsCommand implements Callable<Integer> {
    static final String INSTALL_FOLDER = "setup/tls";
    static final String CERT_FILE = "cert.pem";
    static final String KEY_FILE = "key.pem";

    @Spec
    private CommandSpec spec;

    @Option(names = "--cert", required = true, paramLabel = "FILE", description = "certificate chain: PEM, or PKCS#12 (.p12/.pfx) with the key")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "the private key, PEM (not with PKCS#12)")
    Path key;

    @Option(names = "--password-file", paramLabel = "FILE", description = "the PKCS#12 password, first line (default: empty)")
    Path passwordFile;

    @Option(names = "--host", required = true, paramLabel = "NAME", description = "a host name the relay is reached by (repeatable)")
    List<String> hosts;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "install into DIR/setup/tls for ./relay --work-dir DIR")
    Path workDir;

    @Option(names = "--warn-days", defaultValue = "30", paramLabel = "N", description = "warn when fewer days are left (default: ${DEFAULT-VALUE})")
    int warnDays;

    @Option(names = "--verbose", description = "Show stack traces of errors")
    boolean verbose;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        return run(new SetupReport("tls", spec.commandLine().getOut(), spec.commandLine().getErr()));
    }

    int run(SetupReport report) throws IOException {
        List<X509Certificate> chain;
        PrivateKey privateKey;
        if (isPem(cert)) {
            if (key == null) {
                throw new IllegalArgumentException("--key is needed with a PEM certificate file");
            }
            chain = TlsKeystoreCommand.certificates(cert);
            privateKey = TlsKeystoreCommand.privateKey(key);
        } else {
            if (key != null) {
                throw new IllegalArgumentException(cert + " is PKCS#12, which holds the key: leave out --key");
            }
            chain = new ArrayList<>();
            privateKey = readPkcs12(chain);
        }
        report.info("certificate " + CertificateCheck.name(chain.get(0)) + " issued by "
            + chain.get(0).getIssuerX500Principal().getName() + ", " + chain.size() + " certificate(s) in " + cert);
        CertificateCheck.check(chain, privateKey, hosts, clock.instant(), warnDays, report);
        if (report.hasProblems()) {
            report.next("fix the problems above and run setup tls again; nothing was installed");
        } else if (workDir == null) {
            report.next("install it: setup tls ... --work-dir WORK-DIR (what ./relay --work-dir uses), or start ./relay --tls-cert "
                + cert + " --tls-key " + (key == null ? "KEY.pem" : key));
        } else {
            Path folder = install(chain, privateKey);
            report.ok("installed into " + folder + " (" + CERT_FILE + ", " + KEY_FILE + " mode 0600)");
            report.next("restart ./relay --work-dir " + workDir + ": it offers STARTTLS with " + folder.resolve(CERT_FILE)
                + " (in the container image: T2T_TLS_CERT and T2T_TLS_KEY naming these files)");
            report.next("in both tenants' connectors, name the relay by " + hosts.get(0) + ": setup exchange --tls-cert-name "
                + hosts.get(0));
        }
        return report.finish();
    }

    private static boolean isPem(Path file) throws IOException {
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(64);
        }
        return new String(start, StandardCharsets.ISO_8859_1).contains("-----BEGIN");
    }

    private PrivateKey readPkcs12(List<X509Certificate> chain) throws IOException {
        char[] password = passwordFile == null ? new char[0]
            : Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").toCharArray();
        try (InputStream in = Files.newInputStream(cert)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    Key entry = store.getKey(alias, password);
                    for (Certificate certificate : store.getCertificateChain(alias)) {
                        chain.add((X509Certificate) certificate);
                    }
                    if (entry instanceof PrivateKey && !chain.isEmpty()) {
                        return (PrivateKey) entry;
                    }
                }
            }
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(cert + ": neither PEM nor a PKCS#12 file this password opens (" + e.getMessage() + ")", e);
        }
        throw new IllegalArgumentException(cert + ": the PKCS#12 file holds no private key with its certificate");
    }

    private Path install(List<X509Certificate> chain, PrivateKey privateKey) throws IOException {
        Path folder = workDir.resolve(INSTALL_FOLDER);
        Files.createDirectories(folder);
        StringWriter certificates = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(certificates)) {
            for (X509Certificate certificate : chain) {
                writer.writeObject(certificate);
            }
        }
        StringWriter keyText = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(keyText)) {
            writer.writeObject(new PemObject("PRIVATE KEY", privateKey.getEncoded()));
        }
        // The key first, so that a certificate is never installed without its key; each file replaced whole.
        replace(folder.resolve(KEY_FILE), keyText.toString(), true);
        replace(folder.resolve(CERT_FILE), certificates.toString(), false);
        return folder;
    }

    private static void replace(Path file, String text, boolean secret) throws IOException {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary);
        if (secret) {
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system (Windows): its ACLs are the operator's to set.
            }
        }
        Files.writeString(temporary, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
