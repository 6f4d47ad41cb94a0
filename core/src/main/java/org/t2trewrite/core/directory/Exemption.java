package org.t2trewrite.core.directory;

import java.util.Objects;
import java.util.Optional;

import org.t2trewrite.core.Address;

/**
 * The answer to "is this mail, or this recipient's copy of it, left alone": not exempt, exempt
 * because of its sender, or exempt because of its recipient; an exempt answer names the address
 * and the exception entry that matched it, for the decision log and for {@code explain}.
 */
public final class Exemption {
    /** Why a copy is, or is not, exempt. */
    public enum Reason {
        NOT_EXEMPT,
        /** The mail's sender (its {@code From} identity or its envelope sender) matched: the whole mail is left alone. */
        SENDER,
        /** This recipient matched: its copy is left alone. */
        RECIPIENT
    }

    private static final Exemption NOT_EXEMPT = new Exemption(Reason.NOT_EXEMPT, null, null);

    private final Reason reason;
    private final Address address;
    private final String entry;

    private Exemption(Reason reason, Address address, String entry) {
        this.reason = reason;
        this.address = address;
        this.entry = entry;
    }

    public static Exemption notExempt() {
        return NOT_EXEMPT;
    }

    /** @param entry where the matching entry is: {@code senders: noreply*@source.example}, {@code domains: apps.example} */
    public static Exemption sender(Address address, String entry) {
        return new Exemption(Reason.SENDER, Objects.requireNonNull(address), Objects.requireNonNull(entry));
    }

    public static Exemption recipient(Address address, String entry) {
        return new Exemption(Reason.RECIPIENT, Objects.requireNonNull(address), Objects.requireNonNull(entry));
    }

    public boolean isExempt() {
        return reason != Reason.NOT_EXEMPT;
    }

    public Reason reason() {
        return reason;
    }

    /** The exempt address (a sender or a recipient). */
    public Optional<Address> address() {
        return Optional.ofNullable(address);
    }

    /** The exception entry that matched, with its list: {@code recipients: approvals@source.example}. */
    public Optional<String> entry() {
        return Optional.ofNullable(entry);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Exemption && ((Exemption) o).reason == reason && Objects.equals(((Exemption) o).address, address)
            && Objects.equals(((Exemption) o).entry, entry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, address, entry);
    }

    /** {@code not exempt}, or {@code exempt sender noreply@x (senders: noreply*@x)}. */
    @Override
    public String toString() {
        if (reason == Reason.NOT_EXEMPT) {
            return "not exempt";
        }
        return "exempt " + (reason == Reason.SENDER ? "sender " : "recipient ") + address + " (" + entry + ")";
    }
}
