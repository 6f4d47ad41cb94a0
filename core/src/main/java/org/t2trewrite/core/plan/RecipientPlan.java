package org.t2trewrite.core.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Group;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.Exemption;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.Replacement;

import com.google.common.collect.ImmutableList;

/**
 * What the relay does with one envelope recipient's copy of a mail: the decisions in the order
 * the pipeline takes them, and the copy as it leaves the relay.
 */
public final class RecipientPlan {
    private final Address recipient;
    private final Exemption exemption;
    private final boolean calendarCopy;
    private final Optional<Group> senderRewrite;
    private final Optional<Address> redirectedTo;
    private final Address delivered;
    private final Optional<Address> envelopeSender;
    private final HeaderSection header;
    private final List<Replacement> replacements;
    private final Optional<Domain> signingDomain;
    private final Optional<Tenant> routeTenant;

    RecipientPlan(Address recipient, Exemption exemption, boolean calendarCopy, Optional<Group> senderRewrite,
                  Optional<Address> redirectedTo, Address delivered, Optional<Address> envelopeSender, HeaderSection header,
                  List<Replacement> replacements, Optional<Domain> signingDomain, Optional<Tenant> routeTenant) {
        this.recipient = Objects.requireNonNull(recipient);
        this.exemption = Objects.requireNonNull(exemption);
        this.calendarCopy = calendarCopy;
        this.senderRewrite = senderRewrite;
        this.redirectedTo = redirectedTo;
        this.delivered = Objects.requireNonNull(delivered);
        this.envelopeSender = envelopeSender;
        this.header = header;
        this.replacements = ImmutableList.copyOf(replacements);
        this.signingDomain = signingDomain;
        this.routeTenant = routeTenant;
    }

    /** The envelope recipient as the mail arrived. */
    public Address recipient() {
        return recipient;
    }

    /** Whether this copy is left alone because of the directory's exceptions, and which entry said so. */
    public Exemption exemption() {
        return exemption;
    }

    /** True when this copy is the calendar-coexistence copy ({@code IsCalendarToSource}): the sender keeps their real address. */
    public boolean calendarCopy() {
        return calendarCopy;
    }

    /** The group whose matcher sent this copy through {@code RewriteSender}; empty when it did not go through it. */
    public Optional<Group> senderRewrite() {
        return senderRewrite;
    }

    /** Where {@code RewriteRecipients} redirected this recipient; empty when it was not redirected. */
    public Optional<Address> redirectedTo() {
        return redirectedTo;
    }

    /** The envelope recipient the copy is delivered to. */
    public Address delivered() {
        return delivered;
    }

    /** The envelope sender of the delivered copy; empty for the null sender. */
    public Optional<Address> envelopeSender() {
        return envelopeSender;
    }

    /** The header of the delivered copy (before the DKIM signature is added). */
    public HeaderSection header() {
        return header;
    }

    /** The first {@code From} address of the delivered copy. */
    public Optional<Address> from() {
        return RelayPlan.firstAddress(header, "From");
    }

    /** Every address replaced in this copy's header, in the order the rewrites made them. */
    public List<Replacement> replacements() {
        return replacements;
    }

    /** The domain {@code DkimSignRewritten} signs this copy for; empty when it is not signed. */
    public Optional<Domain> signingDomain() {
        return signingDomain;
    }

    /**
     * The tenant whose route ({@code IsRecipientInTenant}) takes the copy; empty for "every other
     * destination" ({@code t2t.route.other}).
     */
    public Optional<Tenant> routeTenant() {
        return routeTenant;
    }
}
