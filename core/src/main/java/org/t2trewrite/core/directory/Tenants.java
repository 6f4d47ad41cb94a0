package org.t2trewrite.core.directory;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.t2trewrite.core.Domain;
import org.t2trewrite.core.Tenant;

import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Sets;

/** The accepted domains of the source and the target tenant. A domain belongs to at most one. */
public final class Tenants {
    private final Set<Domain> sourceDomains;
    private final Set<Domain> targetDomains;

    private Tenants(Set<Domain> sourceDomains, Set<Domain> targetDomains) {
        this.sourceDomains = sourceDomains;
        this.targetDomains = targetDomains;
    }

    public static Tenants of(Set<Domain> sourceDomains, Set<Domain> targetDomains) {
        Objects.requireNonNull(sourceDomains, "sourceDomains");
        Objects.requireNonNull(targetDomains, "targetDomains");
        Set<Domain> shared = Sets.intersection(sourceDomains, targetDomains);
        if (!shared.isEmpty()) {
            throw new IllegalArgumentException("domains in both tenants: " + shared);
        }
        return new Tenants(ImmutableSet.copyOf(sourceDomains), ImmutableSet.copyOf(targetDomains));
    }

    public Set<Domain> domains(Tenant tenant) {
        return tenant == Tenant.SOURCE ? sourceDomains : targetDomains;
    }

    /** The tenant that accepts mail for a domain, or empty for a domain of neither (external). */
    public Optional<Tenant> tenantOf(Domain domain) {
        if (sourceDomains.contains(domain)) {
            return Optional.of(Tenant.SOURCE);
        }
        if (targetDomains.contains(domain)) {
            return Optional.of(Tenant.TARGET);
        }
        return Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tenants && ((Tenants) o).sourceDomains.equals(sourceDomains)
            && ((Tenants) o).targetDomains.equals(targetDomains);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sourceDomains, targetDomains);
    }

    @Override
    public String toString() {
        return "source " + sourceDomains + ", target " + targetDomains;
    }
}
