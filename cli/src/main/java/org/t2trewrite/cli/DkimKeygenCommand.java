package org.t2trewrite.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.Callable;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.directory.file.DirectoryFile;
import org.t2trewrite.dkim.DkimKey;
import org.t2trewrite.dkim.KeyName;
import org.t2trewrite.dkim.PemKeys;
import org.t2trewrite.dkim.Selector;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code t2t-rewrite dkim-keygen}: generates a DKIM key pair for a domain and selector, writes the
 * private key into the relay's key folder under the name {@code DkimSignRewritten} reads
 * ({@code <selector>._domainkey.<domain>.pem}, PKCS#8 PEM, mode 0600), and prints the TXT record
 * to publish, split into 255-octet strings.
 *
 * <p>Does not touch DNS and never overwrites a key file: rotating a key means a new selector.
 * The written file is read back with the relay's own loader before the record is printed.
 */
@Command(name = "dkim-keygen", mixinStandardHelpOptions = true,
    description = "Generate a DKIM key for the relay's key folder and print the DNS TXT record to publish.")
public final class DkimKeygenCommand implements Callable<Integer> {
    static final int DEFAULT_RSA_BITS = 2048;

    enum Algorithm {
        rsa, ed25519
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--domain", description = "Signing domain (the d= of the signatures), e.g. target.example")
    private String domain;

    @Option(names = "--for-directory", paramLabel = "FILE",
        description = "Instead of --domain: every tenant domain of this directory file that has no key for the selector yet"
            + " (existing keys are kept and their records printed)")
    private Path directory;

    @Option(names = "--selector", required = true, description = "Selector (the s= of the signatures), e.g. s2026")
    private String selector;

    @Option(names = "--algorithm", defaultValue = "rsa", description = "rsa or ed25519 (default: ${DEFAULT-VALUE})")
    private Algorithm algorithm;

    @Option(names = "--bits", description = "RSA key size, 2048 to 4096 (default: " + DEFAULT_RSA_BITS + "); not for ed25519")
    private Integer bits;

    @Option(names = "--out", required = true, description = "The relay's DKIM key folder")
    private Path out;

    @Option(names = "--verbose", description = "Show stack traces of errors")
    private boolean verbose;

    @Override
    public Integer call() throws Exception {
        if ((domain == null) == (directory == null)) {
            throw new IllegalArgumentException("give exactly one of --domain and --for-directory");
        }
        if (!Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out: " + out + " is not a directory");
        }
        if (algorithm == Algorithm.ed25519 && bits != null) {
            throw new IllegalArgumentException("--bits applies to rsa only; ed25519 keys are always 256 bits");
        }
        if (domain != null) {
            generate(keyName(Domain.of(domain)));
            return 0;
        }
        DirectorySnapshot snapshot = DirectoryFile.parse(directory, Instant.now());
        for (Tenant tenant : Tenant.values()) {
            for (Domain tenantDomain : snapshot.tenants().domains(tenant)) {
                KeyName name = keyName(tenantDomain);
                Path existing = out.resolve(name.fileName());
                if (Files.exists(existing)) {
                    try (Reader reader = Files.newBufferedReader(existing, StandardCharsets.US_ASCII)) {
                        print(name, PemKeys.read(name, existing.toString(), reader), existing, "kept");
                    }
                } else {
                    generate(name);
                }
            }
        }
        return 0;
    }

    private KeyName keyName(Domain signingDomain) {
        try {
            return KeyName.of(signingDomain, Selector.of(selector));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--domain/--selector: " + e.getMessage(), e);
        }
    }

    private void generate(KeyName name) throws Exception {
        String pem = algorithm == Algorithm.rsa ? rsaPem(rsaBits()) : ed25519Pem();
        DkimKey key = PemKeys.read(name, "generated key", new StringReader(pem));
        Path file = out.resolve(name.fileName());
        write(file, pem);
        print(name, key, file, "new");
    }

    private void print(KeyName name, DkimKey key, Path file, String state) {
        PrintWriter printer = spec.commandLine().getOut();
        printer.println("; " + key + ", " + state + " private key in " + file);
        printer.println(TxtRecord.zoneLine(name.recordName(), key.publicKeyRecord()));
        printer.flush();
    }

    private int rsaBits() {
        int value = bits == null ? DEFAULT_RSA_BITS : bits;
        if (value < DEFAULT_RSA_BITS || value > 4096) {
            throw new IllegalArgumentException("--bits must be between " + DEFAULT_RSA_BITS + " and 4096, not " + value);
        }
        return value;
    }

    static String rsaPem(int bits) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits, new SecureRandom());
        // The JDK encodes an RSA private key as PKCS#8, as `openssl genpkey` writes it.
        return pem(generator.generateKeyPair().getPrivate().getEncoded());
    }

    static String ed25519Pem() {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
        try {
            // RFC 8410 §7 OneAsymmetricKey v1 without the public key: what `openssl genpkey -algorithm ed25519` writes.
            PrivateKeyInfo info = new PrivateKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                new DEROctetString(key.getEncoded()));
            return pem(info.getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an Ed25519 key", e);
        }
    }

    private static String pem(byte[] pkcs8) {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject("PRIVATE KEY", pkcs8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write PEM to memory", e);
        }
        return text.toString();
    }

    static void write(Path file, String pem) throws IOException {
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(file + " exists; choose a new selector to rotate keys", e);
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): its ACLs are the operator's to set.
        }
        Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
