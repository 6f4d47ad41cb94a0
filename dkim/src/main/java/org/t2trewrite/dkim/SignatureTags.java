package org.t2trewrite.dkim;

import java.util.Locale;
import java.util.Optional;

import org.t2trewrite.core.Domain;

/**
 * The {@code d=} and {@code s=} tags of an existing DKIM-Signature field (RFC 6376 §3.2
 * tag-list), enough to tell whose signature it is. Does not validate or verify the signature.
 */
final class SignatureTags {
    private final Optional<Domain> domain;
    private final Optional<Selector> selector;

    private SignatureTags(Optional<Domain> domain, Optional<Selector> selector) {
        this.domain = domain;
        this.selector = selector;
    }

    static SignatureTags parse(String value) {
        Optional<Domain> domain = Optional.empty();
        Optional<Selector> selector = Optional.empty();
        for (String tag : value.split(";")) {
            int equals = tag.indexOf('=');
            if (equals < 0) {
                continue;
            }
            // FWS may surround tag names and values (§3.2); none is allowed inside d= or s=.
            String name = tag.substring(0, equals).replaceAll("\\s", "").toLowerCase(Locale.ROOT);
            String tagValue = tag.substring(equals + 1).replaceAll("\\s", "");
            try {
                if (name.equals("d") && domain.isEmpty()) {
                    domain = Optional.of(Domain.of(tagValue));
                } else if (name.equals("s") && selector.isEmpty()) {
                    selector = Optional.of(Selector.of(tagValue));
                }
            } catch (IllegalArgumentException e) {
                // A malformed tag makes the signature nobody's: it is kept, as a verifier will ignore it.
                return new SignatureTags(Optional.empty(), Optional.empty());
            }
        }
        return new SignatureTags(domain, selector);
    }

    Optional<Domain> domain() {
        return domain;
    }

    Optional<Selector> selector() {
        return selector;
    }

    /** Whether {@code d=} is {@code parent} or a subdomain of it. */
    boolean isWithin(Domain parent) {
        return domain.map(d -> d.equals(parent) || d.key().endsWith("." + parent.key())).orElse(false);
    }
}
