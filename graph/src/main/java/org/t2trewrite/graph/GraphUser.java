package org.t2trewrite.graph;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.google.common.collect.ImmutableList;

/**
 * The attributes of one Entra ID user that the directory needs, as read from Graph: ids, {@code mail},
 * {@code userPrincipalName}, {@code proxyAddresses}, the configured pairing attribute and whether Exchange
 * Online has provisioned a mailbox for the user. Raw: interpreting them is {@link SnapshotBuilder}'s job.
 */
final class GraphUser {
    private final String id;
    private final Optional<String> mail;
    private final Optional<String> userPrincipalName;
    private final List<String> proxyAddresses;
    private final Optional<String> matchAttribute;
    private final boolean hasMailbox;

    GraphUser(String id, Optional<String> mail, Optional<String> userPrincipalName, List<String> proxyAddresses,
              Optional<String> matchAttribute, boolean hasMailbox) {
        this.id = Objects.requireNonNull(id);
        this.mail = Objects.requireNonNull(mail);
        this.userPrincipalName = Objects.requireNonNull(userPrincipalName);
        this.proxyAddresses = ImmutableList.copyOf(proxyAddresses);
        this.matchAttribute = Objects.requireNonNull(matchAttribute);
        this.hasMailbox = hasMailbox;
    }

    String id() {
        return id;
    }

    Optional<String> mail() {
        return mail;
    }

    Optional<String> userPrincipalName() {
        return userPrincipalName;
    }

    List<String> proxyAddresses() {
        return proxyAddresses;
    }

    /** The value of the {@code employeeId} or extension attribute the match rule reads; empty for {@code localPart}. */
    Optional<String> matchAttribute() {
        return matchAttribute;
    }

    boolean hasMailbox() {
        return hasMailbox;
    }

    /** How to name this user in a report: UPN, else mail, else object id. */
    String label() {
        return userPrincipalName.or(() -> mail).orElse(id);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GraphUser)) {
            return false;
        }
        GraphUser other = (GraphUser) o;
        return id.equals(other.id) && mail.equals(other.mail) && userPrincipalName.equals(other.userPrincipalName)
            && proxyAddresses.equals(other.proxyAddresses) && matchAttribute.equals(other.matchAttribute)
            && hasMailbox == other.hasMailbox;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, mail, userPrincipalName, proxyAddresses, matchAttribute, hasMailbox);
    }

    @Override
    public String toString() {
        return label() + " (" + id + ")";
    }
}
