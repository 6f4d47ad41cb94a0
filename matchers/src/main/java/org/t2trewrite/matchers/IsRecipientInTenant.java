package org.t2trewrite.matchers;

import java.util.Collection;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.Tenants;
import org.t2trewrite.glue.Envelope;
import org.t2trewrite.glue.MatcherCondition;
import org.t2trewrite.glue.PinnedSnapshots;

import com.google.common.collect.ImmutableList;

/**
 * Matches the recipients whose domain is one of a tenant's domains, as the directory lists them:
 * the routing decision "this copy goes to that tenant's inbound endpoint".
 *
 * <pre>{@code
 * <mailet match="org.t2trewrite.matchers.IsRecipientInTenant=source" class="ToProcessor">
 *     <processor>t2t-to-source-tenant</processor>
 * </mailet>
 * }</pre>
 *
 * <p>Condition: required, {@code source} or {@code target}; anything else stops James at
 * start-up. Domains compare exactly (case-insensitively): a subdomain of a tenant domain is not
 * the tenant's unless the directory lists it.
 *
 * <p>On failure: an unavailable directory throws {@code MessagingException} (the mail goes to
 * {@code error}, where a temporary failure is retried).
 *
 * <p>Limitations: routes by the recipient's domain only; which tenant holds a person's mailbox is
 * the rewriting's business, done before routing ({@code IsRedirectedRecipient}).
 */
public class IsRecipientInTenant extends GenericMatcher {
    private final PinnedSnapshots snapshots;
    private Tenant tenant;

    @Inject
    public IsRecipientInTenant(PinnedSnapshots snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public void init() throws MessagingException {
        String condition = MatcherCondition.oneOf(this, "source", "target")
            .orElseThrow(() -> new MessagingException("IsRecipientInTenant needs a condition: 'source' or 'target'"));
        tenant = Tenant.parse(condition);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        Tenants tenants = snapshots.forMail(mail).tenants();
        return mail.getRecipients().stream()
            .filter(recipient -> tenants.tenantOf(Envelope.toAddress(recipient).domain()).filter(tenant::equals).isPresent())
            .collect(ImmutableList.toImmutableList());
    }

    @Override
    public String getMatcherInfo() {
        return "IsRecipientInTenant=" + tenant.configName();
    }
}
