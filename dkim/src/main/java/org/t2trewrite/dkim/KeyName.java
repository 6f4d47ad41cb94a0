package org.t2trewrite.dkim;

import java.util.Objects;
import java.util.Optional;

import org.t2trewrite.core.Domain;

/**
 * The name of one DKIM key: a signing domain and a selector. Its DNS record lives at
 * {@code <selector>._domainkey.<domain>} (RFC 6376 §3.6.2.1), and its private key in the key
 * folder in a file named after that record: {@code <selector>._domainkey.<domain>.pem}, for
 * example {@code s2024._domainkey.target.example.pem}.
 *
 * <p>The domain is written in its A-label ({@code xn--}) form, as DNS and the {@code d=} tag
 * carry it.
 */
public final class KeyName {
    static final String DOMAINKEY = "._domainkey.";
    static final String PEM_SUFFIX = ".pem";

    private final Domain domain;
    private final Selector selector;

    private KeyName(Domain domain, Selector selector) {
        this.domain = domain;
        this.selector = selector;
    }

    public static KeyName of(Domain domain, Selector selector) {
        return new KeyName(Objects.requireNonNull(domain, "domain"), Objects.requireNonNull(selector, "selector"));
    }

    /**
     * Parses a key file name. Empty for a name without the {@code .pem} suffix (not a key file);
     * a {@code .pem} name not of the documented form is an error.
     *
     * @throws IllegalArgumentException naming the file when it ends in {@code .pem} but is not
     *         {@code <selector>._domainkey.<domain>.pem}
     */
    public static Optional<KeyName> parseFileName(String fileName) {
        if (!fileName.endsWith(PEM_SUFFIX)) {
            return Optional.empty();
        }
        String stem = fileName.substring(0, fileName.length() - PEM_SUFFIX.length());
        int split = stem.indexOf(DOMAINKEY);
        if (split <= 0 || split + DOMAINKEY.length() >= stem.length()) {
            throw new IllegalArgumentException("key file '" + fileName
                + "' is not named <selector>._domainkey.<domain>.pem");
        }
        try {
            return Optional.of(of(Domain.of(stem.substring(split + DOMAINKEY.length())),
                Selector.of(stem.substring(0, split))));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key file '" + fileName + "': " + e.getMessage(), e);
        }
    }

    public Domain domain() {
        return domain;
    }

    public Selector selector() {
        return selector;
    }

    /** The DNS name of the key record, without the trailing dot. */
    public String recordName() {
        return selector.value() + DOMAINKEY + domain.key();
    }

    public String fileName() {
        return recordName() + PEM_SUFFIX;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyName && ((KeyName) o).domain.equals(domain) && ((KeyName) o).selector.equals(selector);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, selector);
    }

    @Override
    public String toString() {
        return recordName();
    }
}
