package org.t2trewrite.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * A third DKIM verifier, inside the JVM, so that no cryptographic check of our tests depends on
 * python3-dkim being installed: verifies every {@code DKIM-Signature} of a message,
 * {@code rsa-sha256} (RFC 6376 §3.3.1) and {@code ed25519-sha256} (RFC 8463 §3: Ed25519 over the
 * SHA-256 hash of the header data), with Bouncy Castle's low-level signers and keys from an
 * in-memory store (never DNS).
 *
 * <p>Independent of the signer on purpose: it shares no production class and re-implements the
 * relaxed canonicalisation from RFC 6376 §3.4.2 and §3.4.4 as plainly as possible (strings of
 * ISO-8859-1 characters, one per byte), so that a mistake in {@link RelaxedCanonicalization} or
 * {@link DkimSigner} is not repeated here.
 *
 * <p>Does not: look at DNS, check {@code t=}/{@code x=}, support {@code l=} (a signature with it
 * fails: we never sign with it, RFC 6376 §8.2), support {@code simple} canonicalisation or
 * {@code rsa-sha1} (such signatures fail, naming why), or accept bare CR or LF line endings: give
 * it the message as it travels, CRLF throughout.
 */
public final class JvmVerifier {
    private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    /** The {@code b=} tag's value inside a signature field: at the start or after a ';', never {@code bh=}. */
    private static final Pattern B_TAG_VALUE = Pattern.compile("((?:^|;)[ \\t\\r\\n]*b[ \\t\\r\\n]*=)[^;]*");

    private final Map<String, String> records;

    /** @param records key records by lower-case {@code <selector>._domainkey.<domain>} */
    JvmVerifier(Map<String, String> records) {
        this.records = Map.copyOf(records);
    }

    /** A verdict for every signature of the message, top to bottom. */
    public Results verify(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int separator = text.indexOf("\r\n\r\n");
        // No empty line: the whole message is header (RFC 5322 §2.1 allows no body).
        String header = separator < 0 ? text : text.substring(0, separator + 2);
        String body = separator < 0 ? "" : text.substring(separator + 4);
        List<String> fields = fields(header);
        List<Verdict> verdicts = new ArrayList<>();
        for (String field : fields) {
            if (name(field).equalsIgnoreCase("DKIM-Signature")) {
                verdicts.add(verifyOne(field, fields, body));
            }
        }
        return new Results(verdicts);
    }

    private Verdict verifyOne(String signature, List<String> fields, String body) {
        Map<String, String> tags;
        try {
            tags = tags(signature.substring(signature.indexOf(':') + 1));
        } catch (IllegalArgumentException e) {
            return new Verdict("?", "?", "?", e.getMessage());
        }
        String domain = tags.getOrDefault("d", "?");
        String selector = tags.getOrDefault("s", "?");
        String algorithm = tags.getOrDefault("a", "?");
        try {
            return new Verdict(domain, selector, algorithm, problem(signature, tags, fields, body));
        } catch (IllegalArgumentException e) {
            // Bad base64 in bh=, b= or p=, or a key record that is not a tag-list.
            return new Verdict(domain, selector, algorithm, e.getMessage());
        }
    }

    /** Why the signature fails, or null when it verifies. */
    private String problem(String signature, Map<String, String> tags, List<String> fields, String body) {
        for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (!tags.containsKey(required)) {
                return "missing tag " + required + "=";
            }
        }
        if (!tags.get("v").equals("1")) {
            return "v=" + tags.get("v");
        }
        if (tags.containsKey("l")) {
            return "l= is not supported";
        }
        String canonicalization = tags.getOrDefault("c", "simple/simple");
        if (!canonicalization.equals("relaxed/relaxed")) {
            return "c=" + canonicalization + " is not supported (only relaxed/relaxed)";
        }
        List<String> signedNames = Arrays.asList(tags.get("h").split(":", -1));
        if (signedNames.stream().noneMatch(name -> name.equalsIgnoreCase("From"))) {
            return "h= does not include From (RFC 6376 §5.4)";
        }
        byte[] bodyHash = sha256(latin1(relaxedBody(body)));
        if (!Arrays.equals(bodyHash, Base64.getDecoder().decode(tags.get("bh")))) {
            return "body hash mismatch: computed " + Base64.getEncoder().encodeToString(bodyHash) + ", bh=" + tags.get("bh");
        }
        String record = records.get((tags.get("s") + "._domainkey." + tags.get("d")).toLowerCase(Locale.ROOT));
        if (record == null) {
            return "no key record";
        }
        Map<String, String> key = tags(record);
        byte[] publicKey = Base64.getDecoder().decode(key.getOrDefault("p", ""));
        byte[] headerData = latin1(headerData(signature, signedNames, fields));
        byte[] b = Base64.getDecoder().decode(tags.get("b"));
        String keyType = key.getOrDefault("k", "rsa");
        switch (tags.get("a")) {
            case "rsa-sha256":
                return keyType.equals("rsa") ? rsaProblem(publicKey, headerData, b) : "a=rsa-sha256 with k=" + keyType;
            case "ed25519-sha256":
                return keyType.equals("ed25519") ? ed25519Problem(publicKey, headerData, b) : "a=ed25519-sha256 with k=" + keyType;
            default:
                return "a=" + tags.get("a") + " is not supported";
        }
    }

    private static String rsaProblem(byte[] publicKey, byte[] headerData, byte[] b) {
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(publicKey);
        } catch (IOException | RuntimeException e) {
            return "bad RSA key record: " + e.getMessage();
        }
        if (!(key instanceof RSAKeyParameters) || ((RSAKeyParameters) key).getModulus().bitLength() < 1024) {
            return "not an RSA key of at least 1024 bits (RFC 8301)";
        }
        RSADigestSigner verifier = new RSADigestSigner(new SHA256Digest());
        verifier.init(false, key);
        verifier.update(headerData, 0, headerData.length);
        return verifier.verifySignature(b) ? null : "rsa-sha256 signature does not verify";
    }

    private static String ed25519Problem(byte[] publicKey, byte[] headerData, byte[] b) {
        if (publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            return "Ed25519 key record of " + publicKey.length + " bytes (RFC 8463 §4: the raw 32-byte key)";
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        // RFC 8463 §3: the input to Ed25519 is the SHA-256 hash of the header data, not the data.
        byte[] hash = sha256(headerData);
        verifier.update(hash, 0, hash.length);
        return verifier.verifySignature(b) ? null : "ed25519-sha256 signature does not verify";
    }

    /**
     * RFC 6376 §3.7 and §5.4.2: the fields named in {@code h=}, each name taking the next instance
     * from the bottom (a name with no instance left contributes nothing), relaxed; then the
     * signature field itself with an empty {@code b=} and without its final CRLF.
     */
    private static String headerData(String signature, List<String> signedNames, List<String> fields) {
        StringBuilder data = new StringBuilder();
        Map<String, Integer> used = new HashMap<>();
        for (String signedName : signedNames) {
            String name = signedName.toLowerCase(Locale.ROOT);
            int skip = used.merge(name, 1, Integer::sum) - 1;
            for (int i = fields.size() - 1; i >= 0; i--) {
                if (name(fields.get(i)).equalsIgnoreCase(name) && skip-- == 0) {
                    data.append(relaxedHeader(fields.get(i))).append("\r\n");
                    break;
                }
            }
        }
        String colon = signature.substring(0, signature.indexOf(':') + 1);
        Matcher b = B_TAG_VALUE.matcher(signature.substring(colon.length()));
        data.append(relaxedHeader(colon + b.replaceFirst("$1")));
        return data.toString();
    }

    /**
     * RFC 6376 §3.4.2, for one field without its final CRLF; the caller adds the CRLF. Field names
     * are ASCII (RFC 5322 §2.2), so only A-Z are lowered: an 8-bit byte in a broken name stays,
     * as in python3-dkim's bytes.lower() (found by RelaxedCanonicalizationFuzzTest).
     */
    static String relaxedHeader(String field) {
        int colon = field.indexOf(':');
        String name = asciiLowerCase(field.substring(0, colon).replaceAll("[ \\t]+\\z", ""));
        String value = field.substring(colon + 1)
            .replace("\r\n", "")
            .replaceAll("[ \\t]+", " ")
            .replaceAll("\\A | \\z", "");
        return name + ":" + value;
    }

    private static String asciiLowerCase(String text) {
        StringBuilder lower = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            lower.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return lower.toString();
    }

    /**
     * RFC 6376 §3.4.4: on each line, drop trailing spaces and tabs and make every other run one
     * space; drop empty lines at the end; a non-empty body gets a final CRLF if it lacks one. An
     * empty body, or one of only empty lines, is the empty string.
     *
     * <p>Hazard: the regular expressions end in {@code \z}, not {@code $}, here and in
     * {@link #relaxedHeader}: Java's {@code $} also matches before a U+0085 (NEL), which the
     * 8-bit byte 0x85 decodes to in ISO-8859-1, and so took the space in "abc", SP, 0x85 for
     * trailing (found by RelaxedCanonicalizationFuzzTest).
     */
    static String relaxedBody(String body) {
        List<String> lines = new ArrayList<>(Arrays.asList(body.split("\r\n", -1)));
        if (body.endsWith("\r\n") || body.isEmpty()) {
            // The element after the last CRLF is not a line.
            lines.remove(lines.size() - 1);
        }
        List<String> canonical = new ArrayList<>();
        for (String line : lines) {
            canonical.add(line.replaceAll("[ \\t]+\\z", "").replaceAll("[ \\t]+", " "));
        }
        while (!canonical.isEmpty() && canonical.get(canonical.size() - 1).isEmpty()) {
            canonical.remove(canonical.size() - 1);
        }
        StringBuilder out = new StringBuilder(body.length());
        canonical.forEach(line -> out.append(line).append("\r\n"));
        return out.toString();
    }

    /** The header section's fields, each with its folding and without its final CRLF. */
    private static List<String> fields(String header) {
        List<String> fields = new ArrayList<>();
        for (String line : header.split("\r\n")) {
            if (!fields.isEmpty() && (line.startsWith(" ") || line.startsWith("\t"))) {
                fields.set(fields.size() - 1, fields.get(fields.size() - 1) + "\r\n" + line);
            } else if (!line.isEmpty()) {
                fields.add(line);
            }
        }
        return fields;
    }

    private static String name(String field) {
        int colon = field.indexOf(':');
        return colon < 0 ? "" : field.substring(0, colon).trim();
    }

    /** RFC 6376 §3.2 tag-list: whitespace around names and values, and inside base64 and h=, is dropped. */
    private static Map<String, String> tags(String tagList) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : tagList.split(";")) {
            if (spec.isBlank()) {
                continue;
            }
            int equals = spec.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("tag without '=': " + spec.trim());
            }
            String name = spec.substring(0, equals).strip();
            if (!TAG_NAME.matcher(name).matches() || tags.containsKey(name)) {
                throw new IllegalArgumentException("bad or repeated tag name '" + name + "'");
            }
            tags.put(name, spec.substring(equals + 1).replaceAll("[ \\t\\r\\n]", ""));
        }
        return tags;
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One signature's verdict. */
    public static final class Verdict {
        private final String domain;
        private final String selector;
        private final String algorithm;
        private final String problem;

        private Verdict(String domain, String selector, String algorithm, String problem) {
            this.domain = domain;
            this.selector = selector;
            this.algorithm = algorithm;
            this.problem = problem;
        }

        public boolean passed() {
            return problem == null;
        }

        /** As python3-dkim's script prints it: {@code d=... s=... a=... pass|fail}. */
        public String line() {
            return "d=" + domain + " s=" + selector + " a=" + algorithm + (passed() ? " pass" : " fail");
        }

        @Override
        public String toString() {
            return line() + (passed() ? "" : " (" + problem + ")");
        }
    }

    /** The verdicts on every signature of one message. */
    public static final class Results {
        private final List<Verdict> verdicts;

        private Results(List<Verdict> verdicts) {
            this.verdicts = List.copyOf(verdicts);
        }

        /** True when there is at least one signature and every one verifies. */
        public boolean allPass() {
            return !verdicts.isEmpty() && verdicts.stream().allMatch(Verdict::passed);
        }

        /** One {@link Verdict#line()} per signature, top to bottom. */
        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            verdicts.forEach(verdict -> lines.add(verdict.line()));
            return lines;
        }

        public List<Verdict> verdicts() {
            return verdicts;
        }

        @Override
        public String toString() {
            return verdicts.toString();
        }
    }
}
