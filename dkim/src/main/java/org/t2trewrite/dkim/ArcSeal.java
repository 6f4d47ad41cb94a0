package org.t2trewrite.dkim;

import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.header.HeaderField;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.glue.MailMessages;
import org.t2trewrite.glue.MessageBytes;
import org.t2trewrite.glue.RewriteAttributes;

/**
 * Adds an ARC set (RFC 8617) to every mail whose header or body we changed
 * ({@link RewriteAttributes#MESSAGE_CHANGED}, or marked for signing by {@code RewriteSender}):
 * {@code ARC-Authentication-Results} with what {@link VerifyAuthentication} found before the
 * change, {@code ARC-Message-Signature} over the mail as it leaves and {@code ARC-Seal} over the
 * chain, with {@code i=} one above the newest set present and {@code cv=} the status of the chain
 * the mail arrived with. A receiver that trusts the sealing domain (Exchange Online:
 * {@code Set-ArcConfig -ArcTrustedSealers}) can then accept a mail whose author's DKIM signature
 * our rewrite broke. Place it last before delivery, after {@code DkimSignRewritten}.
 *
 * <pre>{@code
 * <mailet match="All" class="org.t2trewrite.dkim.ArcSeal">
 *     <keyFolder>/etc/t2t-rewrite/dkim</keyFolder>
 *     <sealingDomain>relay.example</sealingDomain>
 *     <selector>arc</selector>
 *     <seal>changed</seal>
 *     <signedHeaders>From:To:Cc:Subject:Date:Message-ID:DKIM-Signature</signedHeaders>
 *     <convert8Bit>true</convert8Bit>
 *     <keyFolderCheckSeconds>10</keyFolderCheckSeconds>
 * </mailet>
 * }</pre>
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code sealingDomain} — default empty — the {@code d=} of our seals; empty: ARC is off and
 * this mailet does nothing.</li>
 * <li>{@code selector} — default {@code arc} — the {@code s=}; the key is
 * {@code <selector>._domainkey.<sealingDomain>.pem} in {@code keyFolder}, RSA (what receivers
 * verify; python3-dkim 1.1.4 verifies rsa-sha256 ARC only) or Ed25519, and must be there at
 * start-up.</li>
 * <li>{@code keyFolder} — required when sealing — the DKIM key folder ({@link KeyFolder}).</li>
 * <li>{@code seal} — default {@code changed} — which mail is sealed: {@code changed}, every mail
 * whose header or body our rewriting changed (or {@code RewriteSender} marked for signing: a kept
 * copy re-injected); {@code verified}, every mail {@link VerifyAuthentication} verified.</li>
 * <li>{@code signedHeaders} — default {@link ArcSigner#DEFAULT_SIGNED_HEADERS} — what the
 * ARC-Message-Signature covers; never ARC-Seal nor Authentication-Results (§4.1.2).</li>
 * <li>{@code convert8Bit} — default {@code true} — as {@code DkimSignRewritten}'s.</li>
 * <li>{@code keyFolderCheckSeconds} — default {@code 10}.</li>
 * </ul>
 *
 * <p>Never two sets of ours: when the newest set is ours (its ARC-Seal has our {@code d=} and
 * {@code s=}: a mail James runs through again, or one reprocessed from a repository whose
 * attributes were lost), it is replaced by a new one with the same instance, the same recorded
 * results and the same {@code cv=}, over the mail as it is now. A set of ours below another
 * sealer's (the mail came back through someone else) is a new hop and gets a new set.
 *
 * <p>Without results (the verifier did not run) the ARC-Authentication-Results says
 * {@code <authserv-id>; none} and {@code cv=} is {@code none} without earlier sets, {@code fail}
 * with them (we cannot vouch for a chain we did not check before changing the mail). With
 * {@code cv=fail} the seal covers our set only (§5.1.2). A chain of 50 sets gets none (§4.2.1),
 * logged at WARN.
 *
 * <p>Metrics: {@value #SEALED_METRIC} counts sealed mails.
 *
 * <p>On failure: a mail to seal whose key is missing (the folder changed since start-up) throws
 * {@link MessagingException}: James sends it to {@code error}, where it is kept. An unreadable
 * message does the same.
 *
 * <p>Limitations: the whole message is held in memory; see {@code DkimSignRewritten} for 8-bit
 * header bytes.
 */
public class ArcSeal extends GenericMailet {
    static final String SEALING_DOMAIN = "sealingDomain";
    static final String SELECTOR = "selector";
    static final String KEY_FOLDER = "keyFolder";
    static final String SEAL = "seal";
    static final String SIGNED_HEADERS = "signedHeaders";
    static final String CONVERT_8BIT = "convert8Bit";
    static final String KEY_FOLDER_CHECK_SECONDS = "keyFolderCheckSeconds";
    static final String SEALED_METRIC = "t2t_mail_arc_sealed";

    private static final Logger LOGGER = LoggerFactory.getLogger(ArcSeal.class);

    private final Clock clock;
    private final Metric sealed;
    private KeyName keyName;
    private KeyFolder keys;
    private ArcSigner signer;
    private boolean sealVerified;
    private boolean convert8Bit;

    @Inject
    public ArcSeal(MetricFactory metrics) {
        this(metrics, Clock.systemUTC());
    }

    ArcSeal(MetricFactory metrics, Clock clock) {
        this.clock = clock;
        this.sealed = metrics.generate(SEALED_METRIC);
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(SEALING_DOMAIN, SELECTOR, KEY_FOLDER, SEAL, SIGNED_HEADERS, CONVERT_8BIT,
            KEY_FOLDER_CHECK_SECONDS));
        String domain = getInitParameter(SEALING_DOMAIN, "").trim();
        if (domain.isEmpty()) {
            LOGGER.info("{}: no {}: ARC sealing is off", name(), SEALING_DOMAIN);
            return;
        }
        try {
            keyName = KeyName.of(Domain.of(domain), Selector.of(getInitParameter(SELECTOR, "arc")));
            signer = new ArcSigner(SignedHeaders.of(ArcSigner.checkSignedHeaders(getInitParameterAsOptional(SIGNED_HEADERS)
                .map(SignedHeaders::parseList).orElse(ArcSigner.DEFAULT_SIGNED_HEADERS)), List.of()));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(name() + ": " + e.getMessage(), e);
        }
        String seal = getInitParameter(SEAL, "changed").trim().toLowerCase(Locale.ROOT);
        if (!seal.equals("changed") && !seal.equals("verified")) {
            throw new MessagingException(name() + ": " + SEAL + " must be 'changed' or 'verified', not '" + seal + "'");
        }
        sealVerified = seal.equals("verified");
        convert8Bit = bool(CONVERT_8BIT, true);
        String folder = getInitParameterAsOptional(KEY_FOLDER)
            .orElseThrow(() -> new MessagingException(name() + ": " + KEY_FOLDER + " is required"));
        int seconds;
        try {
            seconds = Integer.parseInt(getInitParameter(KEY_FOLDER_CHECK_SECONDS, "10").trim());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds <= 0) {
            throw new MessagingException(name() + ": " + KEY_FOLDER_CHECK_SECONDS + " must be a positive number of seconds");
        }
        try {
            keys = KeyFolder.open(Paths.get(folder.trim()), clock, Duration.ofSeconds(seconds));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(name() + ": " + KEY_FOLDER + ": " + e.getMessage(), e);
        }
        if (key().isEmpty()) {
            throw new MessagingException(name() + ": no ARC sealing key " + keyName.fileName() + " in " + folder.trim());
        }
        LOGGER.info("{}: sealing as d={} s={} ({}), {} mail", name(), keyName.domain(), keyName.selector(),
            key().get(), sealVerified ? "verified" : "changed");
    }

    private boolean bool(String parameter, boolean defaultValue) throws MessagingException {
        String value = getInitParameter(parameter, String.valueOf(defaultValue)).trim().toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new MessagingException(name() + ": " + parameter + " must be true or false, not '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private Optional<DkimKey> key() {
        return keys.current().keysFor(keyName.domain()).stream()
            .filter(key -> key.name().equals(keyName)).findFirst();
    }

    private String name() {
        return getMailetConfig() != null && getMailetName() != null ? getMailetName() : getClass().getSimpleName();
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (signer == null || !toSeal(mail)) {
            return;
        }
        DkimKey key = key().orElseThrow(() -> new MessagingException("mail " + mail.getName() + ": no ARC sealing key "
            + keyName.fileName() + " in " + keys.folder() + " any more"));
        MessageBytes message = MailMessages.read(mail);
        HeaderSection fields = message.header();
        byte[] body = Crlf.normalise(message.bodyCopy());
        if (convert8Bit) {
            Optional<SevenBitConverter.Entity> converted = SevenBitConverter.convert(fields, body);
            if (converted.isPresent()) {
                fields = converted.get().fields();
                body = converted.get().body();
            }
        }
        List<ArcChain.Set> sets = ArcChain.sets(fields);
        Optional<ArcChain.Set> newest = sets.isEmpty() ? Optional.empty() : Optional.of(sets.get(sets.size() - 1));
        int instance;
        String results;
        ArcChain.Status cv;
        String replaced = "";
        if (newest.isPresent() && isOurs(newest.get())) {
            ArcChain.Set ours = newest.get();
            instance = ours.instance();
            results = ours.authenticationResultsPayload();
            cv = ArcChain.Status.parse(ours.sealTags().require("cv"));
            fields = fields.without(field -> field == ours.seal() || field == ours.messageSignature()
                || field == ours.authenticationResults());
            sets = sets.subList(0, sets.size() - 1);
            replaced = " (replacing our earlier set)";
        } else {
            instance = ArcChain.nextInstance(fields);
            results = stringAttribute(mail, RewriteAttributes.AUTHENTICATION_RESULTS).orElse(keyName.domain().key() + "; none");
            cv = stringAttribute(mail, RewriteAttributes.ARC_CHAIN).map(ArcChain.Status::parse)
                .orElse(instance == 1 ? ArcChain.Status.NONE : ArcChain.Status.FAIL);
        }
        if (instance > ArcChain.MAX_INSTANCES) {
            LOGGER.warn("mail={} rule=arc not sealed: the chain already has {} sets", mail.getName(), instance - 1);
            return;
        }
        List<byte[]> set = signer.seal(fields, body, instance, cv == ArcChain.Status.FAIL ? List.of() : sets, results, cv,
            key, clock.instant());
        HeaderSection sealedFields = fields;
        for (int i = set.size() - 1; i >= 0; i--) {
            sealedFields = sealedFields.prepend(HeaderField.parse(set.get(i)));
        }
        MailMessages.install(mail, MessageBytes.own(join(sealedFields.toBytes(), body)));
        sealed.increment();
        LOGGER.info("mail={} rule=arc sealed i={} cv={} d={} s={}{}", mail.getName(), instance, cv.word(),
            keyName.domain(), keyName.selector(), replaced);
    }

    private boolean toSeal(Mail mail) {
        if (sealVerified) {
            return mail.getAttribute(RewriteAttributes.AUTHENTICATION_RESULTS).isPresent();
        }
        return mail.getAttribute(RewriteAttributes.MESSAGE_CHANGED).isPresent()
            || mail.getAttribute(RewriteAttributes.SIGNING_DOMAIN).isPresent();
    }

    private boolean isOurs(ArcChain.Set set) {
        try {
            TagList tags = set.sealTags();
            return tags.require("d").equalsIgnoreCase(keyName.domain().key())
                && tags.require("s").equalsIgnoreCase(keyName.selector().value());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<String> stringAttribute(Mail mail, org.apache.mailet.AttributeName name) {
        return mail.getAttribute(name).map(Attribute::getValue).map(value -> value.value())
            .filter(String.class::isInstance).map(String.class::cast);
    }

    private static byte[] join(byte[] fields, byte[] body) {
        byte[] message = new byte[fields.length + 2 + body.length];
        System.arraycopy(fields, 0, message, 0, fields.length);
        message[fields.length] = '\r';
        message[fields.length + 1] = '\n';
        System.arraycopy(body, 0, message, fields.length + 2, body.length);
        return message;
    }

    @Override
    public String getMailetInfo() {
        return "ArcSeal";
    }
}
