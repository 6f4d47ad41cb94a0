package org.t2trewrite.core.rewrite;

import java.util.Optional;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.AddressHeaderParser;
import org.t2trewrite.core.header.HeaderSection;

/**
 * Who a mail is from, for eligibility decisions: the first address of the first {@code From}
 * field (the author, as recipients see it), else the envelope sender. A missing or unparseable
 * {@code From} falls back to the envelope sender; a null sender with no usable {@code From} has
 * no identity.
 */
public final class SenderIdentity {
    private SenderIdentity() {
    }

    public static Optional<Address> of(HeaderSection header, Optional<Address> envelopeSender) {
        Optional<Address> author = header.fields("From").stream()
            .findFirst()
            .flatMap(field -> AddressHeaderParser.parse(field).addresses().stream().findFirst());
        return author.or(() -> envelopeSender);
    }
}
