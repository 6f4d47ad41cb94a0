package org.t2trewrite.dkim;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.Tenants;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.MessageBytes;
import org.t2trewrite.glue.PinnedSnapshots;
import org.t2trewrite.glue.RewriteAttributes;

import com.google.common.collect.Iterables;
import com.google.common.collect.Sets;

/**
 * DKIM-signs (RFC 6376, relaxed/relaxed, SHA-256) every mail that {@code RewriteSender} marked as
 * rewritten, with each key of the domain the mail now speaks for (the
 * {@link RewriteAttributes#SIGNING_DOMAIN} attribute): {@code rsa-sha256} and RFC 8463
 * {@code ed25519-sha256}, one signature per key. Mail without the attribute passes untouched.
 *
 * <pre>{@code
 * <mailet match="All" class="org.t2trewrite.dkim.DkimSignRewritten">
 *     <keyFolder>/etc/t2t-rewrite/dkim</keyFolder>
 *     <signedHeaders>From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding</signedHeaders>
 *     <overSignedHeaders>From</overSignedHeaders>
 *     <keepTenantSignatures>false</keepTenantSignatures>
 *     <onMissingKey>to-processor</onMissingKey>
 *     <missingKeyProcessor>error</missingKeyProcessor>
 *     <convert8Bit>true</convert8Bit>
 *     <keyFolderCheckSeconds>10</keyFolderCheckSeconds>
 *     <rsaProvider>auto</rsaProvider>
 * </mailet>
 * }</pre>
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code keyFolder} — required — folder of private keys, one PEM file per domain and selector
 * named {@code <selector>._domainkey.<domain>.pem} (see {@link KeyName}; RSA of at least 1024
 * bits in PKCS#1 or PKCS#8, Ed25519 in PKCS#8). An absolute path; a relative one is resolved
 * against the JVM's working directory. Read at start-up, re-read when it changes.</li>
 * <li>{@code signedHeaders} — default {@link SignedHeaders#DEFAULT} — names separated by
 * {@code :} or {@code ,}; must include {@code From}. Each present instance is signed.</li>
 * <li>{@code overSignedHeaders} — default {@code From} — names signed once more than present,
 * so that a field added later breaks the signature.</li>
 * <li>{@code keepTenantSignatures} — default {@code false} — existing signatures whose
 * {@code d=} is a source or target tenant domain (or below one) were broken by the rewrite and
 * are removed; {@code true} keeps them. Other signatures (a mailing list's) are always kept. Our
 * own earlier signatures ({@code d=} and {@code s=} of one of our keys) are always replaced.</li>
 * <li>{@code onMissingKey} — default {@code to-processor} — what to do with a marked mail whose
 * domain has no key: {@code to-processor} sends it to {@code missingKeyProcessor} (logged at
 * ERROR naming the domain), {@code send-unsigned} lets it go on unsigned (logged at WARN).</li>
 * <li>{@code missingKeyProcessor} — default {@code error} — the processor for such mail; its
 * repository keeps it.</li>
 * <li>{@code convert8Bit} — default {@code true} — give parts labelled {@code 8bit} a 7-bit
 * encoding before signing ({@link SevenBitConverter}; RFC 6376 §5.3), so that RemoteDelivery's
 * downgrade for a peer without 8BITMIME cannot break the signature. {@code false} sends the
 * body's bytes unchanged and the signature then survives only 8BITMIME hops.</li>
 * <li>{@code keyFolderCheckSeconds} — default {@code 10} — how often, at most, the folder is
 * checked for changes (on the mail path: a listing and a stat per key file).</li>
 * <li>{@code rsaProvider} — default {@code auto} — which JCA provider makes {@code rsa-sha256}
 * signatures ({@link RsaSigning}): {@code auto} uses Amazon Corretto Crypto Provider (ACCP,
 * bundled in the extension jar; about 30% less CPU per RSA-signed mail, see the dkim README)
 * when its native library loads and passes a self-test against the JDK, else the JDK's default
 * provider; {@code jdk} always uses the JDK's; {@code accp} requires ACCP and stops start-up,
 * naming the loading error, when it is not usable. Both give the same signature bytes. The
 * choice, and for {@code auto} falling back the reason, is logged once at INFO. ACCP is never
 * installed JVM-wide: TLS and the rest of James do not use it.</li>
 * </ul>
 *
 * <p>Metrics (James's {@link MetricFactory}; WebAdmin {@code /metrics} shows each with a
 * {@code _total} suffix): {@value #SIGNED_METRIC} counts signed mails,
 * {@code t2t_dkim_signatures_rsa_sha256} and {@code t2t_dkim_signatures_ed25519_sha256} the
 * signatures made, {@value #MISSING_KEY_METRIC} marked mails whose domain had no key (kept or
 * sent unsigned, per {@code onMissingKey}). A mail James runs through twice counts twice. The key
 * folder is listed in {@link KeyFolders}, where the DKIM health check reads it.
 *
 * <p>The signature fields are prepended to the header bytes and the message installed as bytes
 * ({@link MailMessages}), never through James's header API, so James sends exactly the bytes that
 * were signed. Line endings of the body are made CRLF first, as the SMTP client would send them.
 *
 * <p>On failure: a marked mail without a key goes to {@code missingKeyProcessor} (see above); an
 * unreadable message, or a directory that cannot name the tenant domains, throws
 * {@link MessagingException} (James's {@code onMailetException} decides; by default the mail goes
 * to {@code error}). A bad key folder stops James at start-up with a message naming the file; a
 * folder that goes bad later keeps the last good keys, logged once at ERROR. Key material is never
 * logged.
 *
 * <p>Limitations: the whole message is held in memory. The bundled ACCP native library is for
 * Linux x86-64 with glibc: on aarch64, musl (Alpine) or another OS, or where the library cannot be
 * written to and loaded from {@code java.io.tmpdir} (mounted {@code noexec}; set
 * {@code -Dcom.amazon.corretto.crypto.provider.tmpdir} to another folder), {@code auto} signs with
 * the JDK. ACCP's native library loads into one class loader per JVM: a second copy of the
 * extension in another class loader falls back to the JDK. Tenant signatures are recognised by their
 * {@code d=} domain only: a tenant's {@code *.onmicrosoft.com} signature is removed only if that
 * domain is listed among the tenant's domains. {@code binary} parts and 8-bit bytes in parts not
 * labelled {@code 8bit} are not converted (RemoteDelivery does not convert them either). Raw 8-bit
 * header bytes (RFC 6532) never reach it: James turns them into {@code ?} at every queue, so the
 * relay's SMTP server refuses them ({@code RefuseEightBitHeaders}). Do not set {@code mail.smtp.allow8bitmime} on
 * RemoteDelivery: javax.mail would then re-encode bodies itself.
 */
public class DkimSignRewritten extends GenericMailet {
    static final String KEY_FOLDER = "keyFolder";
    static final String SIGNED_HEADERS = "signedHeaders";
    static final String OVER_SIGNED_HEADERS = "overSignedHeaders";
    static final String KEEP_TENANT_SIGNATURES = "keepTenantSignatures";
    static final String ON_MISSING_KEY = "onMissingKey";
    static final String MISSING_KEY_PROCESSOR = "missingKeyProcessor";
    static final String CONVERT_8BIT = "convert8Bit";
    static final String KEY_FOLDER_CHECK_SECONDS = "keyFolderCheckSeconds";
    static final String RSA_PROVIDER = "rsaProvider";

    static final String SIGNED_METRIC = "t2t_mail_signed";
    static final String MISSING_KEY_METRIC = "t2t_mail_missing_dkim_key";
    static final String SIGNATURES_METRIC_PREFIX = "t2t_dkim_signatures_";

    static final String TO_PROCESSOR = "to-processor";
    static final String SEND_UNSIGNED = "send-unsigned";

    private static final Logger LOGGER = LoggerFactory.getLogger(DkimSignRewritten.class);
    private static final String SIGNATURE_FIELD = "dkim-signature";
    private static final byte[] CRLF = {'\r', '\n'};

    private final PinnedSnapshots snapshots;
    private final KeyFolders keyFolders;
    private final Clock clock;
    private final Supplier<Provider> accpCandidate;
    private final Metric signed;
    private final Metric missingKey;
    private final Map<DkimAlgorithm, Metric> signaturesMade = new EnumMap<>(DkimAlgorithm.class);

    private RsaSigning rsaSigning;
    private KeyFolder keys;
    private DkimSigner signer;
    private boolean keepTenantSignatures;
    private boolean sendUnsigned;
    private String missingKeyProcessor;
    private boolean convert8Bit;

    @Inject
    public DkimSignRewritten(PinnedSnapshots snapshots, KeyFolders keyFolders, MetricFactory metrics) {
        this(snapshots, keyFolders, metrics, Clock.systemUTC());
    }

    DkimSignRewritten(PinnedSnapshots snapshots, KeyFolders keyFolders, MetricFactory metrics, Clock clock) {
        this(snapshots, keyFolders, metrics, clock, Accp::provider);
    }

    /** @param accpCandidate ACCP's provider, or throws saying why it is not usable (see {@link RsaSigning#choose}) */
    DkimSignRewritten(PinnedSnapshots snapshots, KeyFolders keyFolders, MetricFactory metrics, Clock clock,
                      Supplier<Provider> accpCandidate) {
        this.snapshots = snapshots;
        this.keyFolders = keyFolders;
        this.clock = clock;
        this.accpCandidate = accpCandidate;
        this.signed = metrics.generate(SIGNED_METRIC);
        this.missingKey = metrics.generate(MISSING_KEY_METRIC);
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            signaturesMade.put(algorithm, metrics.generate(signaturesMetric(algorithm)));
        }
    }

    /** {@code t2t_dkim_signatures_rsa_sha256}, {@code t2t_dkim_signatures_ed25519_sha256}. */
    static String signaturesMetric(DkimAlgorithm algorithm) {
        return SIGNATURES_METRIC_PREFIX + algorithm.tag().replace('-', '_');
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(KEY_FOLDER, SIGNED_HEADERS, OVER_SIGNED_HEADERS, KEEP_TENANT_SIGNATURES,
            ON_MISSING_KEY, MISSING_KEY_PROCESSOR, CONVERT_8BIT, KEY_FOLDER_CHECK_SECONDS, RSA_PROVIDER));
        try {
            signer = new DkimSigner(SignedHeaders.of(
                getInitParameterAsOptional(SIGNED_HEADERS).map(SignedHeaders::parseList).orElse(SignedHeaders.DEFAULT),
                getInitParameterAsOptional(OVER_SIGNED_HEADERS).map(SignedHeaders::parseList).orElse(SignedHeaders.DEFAULT_OVERSIGNED)));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(name() + ": " + SIGNED_HEADERS + "/" + OVER_SIGNED_HEADERS + ": " + e.getMessage(), e);
        }
        keepTenantSignatures = booleanParameter(KEEP_TENANT_SIGNATURES, false);
        convert8Bit = booleanParameter(CONVERT_8BIT, true);
        String onMissingKey = getInitParameter(ON_MISSING_KEY, TO_PROCESSOR).trim().toLowerCase(Locale.ROOT);
        if (!onMissingKey.equals(TO_PROCESSOR) && !onMissingKey.equals(SEND_UNSIGNED)) {
            throw new MessagingException(name() + ": " + ON_MISSING_KEY + " must be '" + TO_PROCESSOR + "' or '"
                + SEND_UNSIGNED + "', not '" + getInitParameter(ON_MISSING_KEY) + "'");
        }
        sendUnsigned = onMissingKey.equals(SEND_UNSIGNED);
        missingKeyProcessor = getInitParameter(MISSING_KEY_PROCESSOR, "error").trim();
        if (missingKeyProcessor.isEmpty()) {
            throw new MessagingException(name() + ": " + MISSING_KEY_PROCESSOR + " must name a processor");
        }
        Duration checkInterval = Duration.ofSeconds(positiveInteger(KEY_FOLDER_CHECK_SECONDS, 10));
        String folder = getInitParameterAsOptional(KEY_FOLDER)
            .orElseThrow(() -> new MessagingException(name() + ": " + KEY_FOLDER + " is required"));
        rsaSigning = chooseRsaSigning();
        LOGGER.info("{}: DKIM rsa-sha256 signatures are made by {}", name(), rsaSigning.description());
        try {
            keys = KeyFolder.open(Paths.get(folder.trim()), clock, checkInterval, rsaSigning);
        } catch (IllegalArgumentException e) {
            throw new MessagingException(name() + ": " + KEY_FOLDER + ": " + e.getMessage(), e);
        }
        keyFolders.add(name(), keys, sendUnsigned ? Optional.empty() : Optional.of(missingKeyProcessor));
    }

    private RsaSigning chooseRsaSigning() throws MessagingException {
        RsaSigning.Choice choice;
        try {
            choice = RsaSigning.Choice.parse(getInitParameter(RSA_PROVIDER, RsaSigning.Choice.AUTO.value()));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(name() + ": " + RSA_PROVIDER + " " + e.getMessage(), e);
        }
        try {
            return RsaSigning.choose(choice, accpCandidate);
        } catch (IllegalStateException e) {
            throw new MessagingException(name() + ": " + RSA_PROVIDER + "=" + choice.value() + " but " + e.getMessage(), e);
        }
    }

    /** The provider choice made at {@link #init()}. */
    RsaSigning rsaSigningInUse() {
        return rsaSigning;
    }

    private boolean booleanParameter(String name, boolean defaultValue) throws MessagingException {
        Optional<String> value = getInitParameterAsOptional(name).map(v -> v.trim().toLowerCase(Locale.ROOT));
        if (value.isEmpty()) {
            return defaultValue;
        }
        if (value.get().equals("true") || value.get().equals("false")) {
            return Boolean.parseBoolean(value.get());
        }
        throw new MessagingException(name() + ": " + name + " must be true or false, not '" + getInitParameter(name) + "'");
    }

    private int positiveInteger(String name, int defaultValue) throws MessagingException {
        Optional<String> value = getInitParameterAsOptional(name).map(String::trim);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the parameter's name
        }
        throw new MessagingException(name() + ": " + name + " must be a positive number of seconds, not '" + value.get() + "'");
    }

    private String name() {
        return getMailetConfig() != null && getMailetName() != null ? getMailetName() : getClass().getSimpleName();
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<Attribute> marker = mail.getAttribute(RewriteAttributes.SIGNING_DOMAIN);
        if (marker.isEmpty()) {
            return;
        }
        Domain domain = signingDomain(mail, marker.get());
        KeyRing ring = keys.current();
        List<DkimKey> domainKeys = ring.keysFor(domain);
        if (domainKeys.isEmpty()) {
            missingKey(mail, domain);
            return;
        }
        MessageBytes message = MailMessages.read(mail);
        HeaderSection fields = withoutReplacedSignatures(message.header(), ring, mail);
        byte[] body = Crlf.normalise(message.bodyCopy());
        boolean reencoded = false;
        if (convert8Bit) {
            Optional<SevenBitConverter.Entity> converted = SevenBitConverter.convert(fields, body);
            if (converted.isPresent()) {
                fields = converted.get().fields();
                body = converted.get().body();
                reencoded = true;
            }
        }
        List<byte[]> signatures = signer.sign(fields, body, domain, domainKeys, clock.instant());
        // RFC 6376 §5.6: the signature field is prepended, above every field it covers.
        MailMessages.install(mail, MessageBytes.own(join(signatures, fields.toBytes(), body)));
        signed.increment();
        domainKeys.forEach(key -> signaturesMade.get(key.algorithm()).increment());
        LOGGER.info("mail={} rule=dkim signed d={} keys={} reencoded-8bit={}", mail.getName(), domain,
            domainKeys.stream().map(DkimKey::toString).collect(Collectors.joining(", ", "[", "]")), reencoded);
    }

    /** The signed message in one exactly sized array: signature fields, the other fields, a blank line, the body. */
    private static byte[] join(List<byte[]> signatures, byte[] fields, byte[] body) {
        int length = fields.length + CRLF.length + body.length;
        for (byte[] signature : signatures) {
            length += signature.length;
        }
        byte[] message = new byte[length];
        int position = 0;
        for (byte[] part : Iterables.concat(signatures, List.of(fields, CRLF, body))) {
            System.arraycopy(part, 0, message, position, part.length);
            position += part.length;
        }
        return message;
    }

    private static Domain signingDomain(Mail mail, Attribute marker) throws MessagingException {
        Object value = marker.getValue().value();
        if (!(value instanceof String)) {
            throw new MessagingException("mail " + mail.getName() + ": attribute " + RewriteAttributes.SIGNING_DOMAIN.asString()
                + " must be a String domain, not " + value);
        }
        try {
            return Domain.of((String) value);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("mail " + mail.getName() + ": attribute " + RewriteAttributes.SIGNING_DOMAIN.asString()
                + ": " + e.getMessage(), e);
        }
    }

    private void missingKey(Mail mail, Domain domain) {
        missingKey.increment();
        if (sendUnsigned) {
            LOGGER.warn("mail {}: no DKIM key for {} in {}; sent unsigned ({}={})",
                mail.getName(), domain, keys.folder(), ON_MISSING_KEY, SEND_UNSIGNED);
            return;
        }
        LOGGER.error("mail {}: no DKIM key for {} in {}; mail sent to processor '{}' instead of unsigned",
            mail.getName(), domain, keys.folder(), missingKeyProcessor);
        mail.setState(missingKeyProcessor);
    }

    /** Drops our own earlier signatures (James may run us twice) and, unless kept, the tenants' broken ones. */
    private HeaderSection withoutReplacedSignatures(HeaderSection fields, KeyRing ring, Mail mail) throws MessagingException {
        if (fields.fields(SIGNATURE_FIELD).isEmpty()) {
            return fields;
        }
        Set<Domain> tenantDomains = keepTenantSignatures ? Set.of() : tenantDomains(mail);
        return fields.without(field -> field.hasName(SIGNATURE_FIELD) && isReplaced(field, ring, tenantDomains));
    }

    private static boolean isReplaced(HeaderField signature, KeyRing ring, Set<Domain> tenantDomains) {
        // One char per byte, not value()'s UTF-8 decoding: a d= with 8-bit bytes is judged as written.
        SignatureTags tags = SignatureTags.parse(new String(signature.valueBytes(), StandardCharsets.ISO_8859_1));
        if (tags.domain().isPresent() && tags.selector().isPresent()
            && ring.isOurs(tags.domain().get(), tags.selector().get())) {
            return true;
        }
        return tenantDomains.stream().anyMatch(tags::isWithin);
    }

    private Set<Domain> tenantDomains(Mail mail) throws MessagingException {
        Tenants tenants = snapshots.forMail(mail).tenants();
        return Sets.union(tenants.domains(Tenant.SOURCE), tenants.domains(Tenant.TARGET));
    }

    /**
     * The processor missing-key mail goes to: James checks at start-up that it exists, so a typo
     * in {@code missingKeyProcessor} stops James instead of losing mail at the first missing key.
     */
    @Override
    public Collection<ProcessingState> requiredProcessingState() {
        return sendUnsigned ? List.of() : List.of(new ProcessingState(missingKeyProcessor));
    }

    @Override
    public String getMailetInfo() {
        return "DkimSignRewritten";
    }
}
