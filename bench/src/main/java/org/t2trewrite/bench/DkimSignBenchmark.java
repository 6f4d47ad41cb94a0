package org.t2trewrite.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.apache.james.jdkim.mailets.DKIMSign;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.Tenants;
import org.t2trewrite.dkim.DkimSignRewritten;
import org.t2trewrite.dkim.KeyFolders;
import org.t2trewrite.glue.RewriteAttributes;
import org.t2trewrite.glue.PinnedSnapshots;

/**
 * Sign cost per message: our {@code DkimSignRewritten} with RSA-2048 (with its default
 * {@code rsaProvider=auto}, ACCP where it loads, and with {@code rsaProvider=jdk}), Ed25519, and both, against
 * James 3.8.1's stock {@code DKIMSign} (RSA-2048, relaxed/relaxed) on the same message. Every
 * operation parses the message bytes into a mail, signs, and serialises the result (what the
 * queue does next); {@code baseline} does only the parse and serialise, so subtracting it gives
 * the signing cost alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DkimSignBenchmark {
    private static final String DOMAIN = "target.example";

    @Param({"4096", "1048576"})
    public int size;

    private byte[] message;
    private Path keyFolder;
    private DkimSignRewritten oursRsa;
    private DkimSignRewritten oursRsaJdk;
    private DkimSignRewritten oursEd25519;
    private DkimSignRewritten oursBoth;
    private DKIMSign stock;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        message = message(size);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair rsa = generator.generateKeyPair();
        String rsaPem = pem(rsa.getPrivate());
        Ed25519PrivateKeyParameters ed25519 = new Ed25519PrivateKeyParameters(new SecureRandom());
        String ed25519Pem = pem(new PemObject("PRIVATE KEY", new PrivateKeyInfo(
            new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), new DEROctetString(ed25519.getEncoded())).getEncoded()));

        keyFolder = Files.createTempDirectory("dkim-bench");
        oursRsa = ours(folderWith(keyFolder.resolve("rsa"), "rsa1", rsaPem));
        oursRsaJdk = ours(keyFolder.resolve("rsa"), "jdk");
        oursEd25519 = ours(folderWith(keyFolder.resolve("ed"), "ed1", ed25519Pem));
        Path both = folderWith(keyFolder.resolve("both"), "rsa1", rsaPem);
        Files.writeString(both.resolve("ed1._domainkey." + DOMAIN + ".pem"), ed25519Pem);
        oursBoth = ours(both);

        stock = new DKIMSign();
        stock.init(FakeMailetConfig.builder().mailetName("DKIMSign")
            .setProperty("signatureTemplate", "v=1; s=rsa1; d=" + DOMAIN
                + "; h=from:to:subject:date:message-id:mime-version:content-type; a=rsa-sha256; c=relaxed/relaxed; bh=; b=;")
            .setProperty("privateKey", rsaPem)
            .build());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (var files = Files.walk(keyFolder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static Path folderWith(Path folder, String selector, String pem) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(selector + "._domainkey." + DOMAIN + ".pem"), pem);
        return folder;
    }

    private static DkimSignRewritten ours(Path folder) throws Exception {
        return ours(folder, "auto");
    }

    private static DkimSignRewritten ours(Path folder, String rsaProvider) throws Exception {
        DkimSignRewritten mailet = new DkimSignRewritten(new PinnedSnapshots(() -> DirectorySnapshot.of(
            Tenants.of(Set.of(Domain.of("source.example")), Set.of(Domain.of(DOMAIN))), List.of(), Instant.EPOCH)),
            new KeyFolders(), new RecordingMetricFactory());
        mailet.init(FakeMailetConfig.builder().mailetName("DkimSignRewritten").setProperty("keyFolder", folder.toString())
            .setProperty("rsaProvider", rsaProvider).build());
        return mailet;
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    /** A plain-text message of about {@code size} bytes: the shape of most relayed mail. */
    static byte[] message(int size) {
        StringBuilder text = new StringBuilder(size + 200);
        text.append("Received: from source-tenant.example by relay; Mon, 5 Jan 2026 10:00:00 +0000\r\n")
            .append("From: \"Ann Example\" <ann@target.example>\r\n")
            .append("To: bob@partner.example\r\n")
            .append("Subject: Quarterly figures\r\n")
            .append("Date: Mon, 5 Jan 2026 10:00:00 +0000\r\n")
            .append("Message-ID: <m1@source.example>\r\n")
            .append("MIME-Version: 1.0\r\n")
            .append("Content-Type: text/plain; charset=us-ascii\r\n")
            .append("\r\n");
        int line = 0;
        while (text.length() < size) {
            text.append("Line ").append(line++).append(": the quick brown fox jumps over the lazy dog, again and again.\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private Mail mail() throws Exception {
        MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()), new SharedByteArrayInputStream(message));
        return FakeMail.builder().name("bench").mimeMessage(mime)
            .attribute(new Attribute(RewriteAttributes.SIGNING_DOMAIN, AttributeValue.of(DOMAIN)))
            .build();
    }

    private static long serialise(Mail mail) throws Exception {
        CountingSink sink = new CountingSink();
        mail.getMessage().writeTo(sink);
        return sink.count;
    }

    @Benchmark
    public long baseline() throws Exception {
        return serialise(mail());
    }

    @Benchmark
    public long oursRsa2048() throws Exception {
        Mail mail = mail();
        oursRsa.service(mail);
        return serialise(mail);
    }

    @Benchmark
    public long oursRsa2048Jdk() throws Exception {
        Mail mail = mail();
        oursRsaJdk.service(mail);
        return serialise(mail);
    }

    @Benchmark
    public long oursEd25519() throws Exception {
        Mail mail = mail();
        oursEd25519.service(mail);
        return serialise(mail);
    }

    @Benchmark
    public long oursRsa2048AndEd25519() throws Exception {
        Mail mail = mail();
        oursBoth.service(mail);
        return serialise(mail);
    }

    @Benchmark
    public long stockDkimSignRsa2048() throws Exception {
        Mail mail = mail();
        stock.service(mail);
        return serialise(mail);
    }

    private static final class CountingSink extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            count += length;
        }
    }
}
