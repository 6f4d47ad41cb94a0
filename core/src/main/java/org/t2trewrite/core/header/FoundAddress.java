package org.t2trewrite.core.header;

import java.util.Objects;
import java.util.Optional;

import org.t2trewrite.core.Address;

/**
 * One mailbox found in an address header field: its address and where its addr-spec bytes
 * are, plus the display name as written, if any. Offsets count bytes from the start of the
 * parsed input ({@link HeaderField#rawBytes()}, or the value's UTF-8 bytes for
 * {@link AddressHeaderParser#parseValue(String)}); the end is exclusive.
 *
 * <p>The addr-spec span runs from the first to the last token of the address, so comments
 * or folding <em>inside</em> an addr-spec ({@code a(x)@b}, obsolete syntax) are within it.
 */
public final class FoundAddress {
    private final Address address;
    private final int start;
    private final int end;
    private final int displayNameStart;
    private final int displayNameEnd;
    private final boolean displayNameQuoted;
    /** The parsed bytes and where offset 0 is in them; the display name is decoded only when asked for. */
    private final byte[] source;
    private final int base;

    FoundAddress(Address address, int start, int end, int displayNameStart, int displayNameEnd,
                 boolean displayNameQuoted, byte[] source, int base) {
        this.address = Objects.requireNonNull(address, "address");
        this.start = start;
        this.end = end;
        this.displayNameStart = displayNameStart;
        this.displayNameEnd = displayNameEnd;
        this.displayNameQuoted = displayNameQuoted;
        this.source = source;
        this.base = base;
    }

    public Address address() {
        return address;
    }

    /** Offset of the first byte of the addr-spec. */
    public int start() {
        return start;
    }

    /** Offset just after the last byte of the addr-spec. */
    public int end() {
        return end;
    }

    /**
     * The display name exactly as written (quotes, escapes and RFC 2047 encoded words kept),
     * decoded from its bytes as UTF-8 or ISO-8859-1; empty for a bare addr-spec.
     */
    public Optional<String> displayName() {
        if (!hasDisplayName()) {
            return Optional.empty();
        }
        return Optional.of(HeaderField.decode(source, base + displayNameStart, base + displayNameEnd));
    }

    boolean hasDisplayName() {
        return displayNameStart >= 0;
    }

    int displayNameStart() {
        return displayNameStart;
    }

    int displayNameEnd() {
        return displayNameEnd;
    }

    /** True when the display name is one quoted-string and nothing else. */
    boolean displayNameQuoted() {
        return displayNameQuoted;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FoundAddress)) {
            return false;
        }
        FoundAddress other = (FoundAddress) o;
        return address.equals(other.address) && start == other.start && end == other.end
            && displayName().equals(other.displayName());
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, start, end, displayNameStart, displayNameEnd);
    }

    @Override
    public String toString() {
        return displayName().map(name -> name + " ").orElse("") + "<" + address + ">@" + start + ".." + end;
    }
}
