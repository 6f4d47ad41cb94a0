package org.t2trewrite.glue;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.t2trewrite.core.Address;

import com.google.common.collect.ImmutableList;

/**
 * Translation between James's {@link Mail} envelope and the core's values, shared by our
 * matchers and mailets.
 */
public final class Envelope {
    private Envelope() {
    }

    /** The envelope sender; empty for the null sender {@code <>}. */
    public static Optional<Address> sender(Mail mail) {
        return mail.getMaybeSender().asOptional().map(Envelope::toAddress);
    }

    public static List<Address> recipients(Collection<MailAddress> recipients) {
        return recipients.stream().map(Envelope::toAddress).collect(ImmutableList.toImmutableList());
    }

    public static Address toAddress(MailAddress address) {
        return Address.parse(address.asString());
    }

    /**
     * The mail's own recipients (James's objects, as a matcher must return them) that are among
     * {@code selected}, in the mail's order.
     */
    public static List<MailAddress> select(Mail mail, Collection<Address> selected) {
        if (selected.isEmpty()) {
            return ImmutableList.of();
        }
        return mail.getRecipients().stream()
            .filter(recipient -> selected.contains(toAddress(recipient)))
            .collect(ImmutableList.toImmutableList());
    }

    public static MailAddress toMailAddress(Address address) throws MessagingException {
        try {
            return new MailAddress(address.toString());
        } catch (AddressException e) {
            throw new MessagingException("James cannot represent the address " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sets the envelope sender. James's {@link Mail} interface has no setter; the spooled mail
     * James hands to mailets is a {@link MailImpl}, which has one.
     *
     * @throws MessagingException when the mail is of a kind whose sender cannot be changed, so
     *         that the mail is kept by the error processor rather than sent with a stale sender
     */
    public static void setSender(Mail mail, Optional<Address> sender) throws MessagingException {
        if (!(mail instanceof MailImpl)) {
            throw new MessagingException("cannot change the envelope sender of a " + mail.getClass().getName());
        }
        ((MailImpl) mail).setSender(sender.isPresent() ? toMailAddress(sender.get()) : null);
    }
}
