package org.t2trewrite.core.plan;

import java.util.List;
import java.util.Optional;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.directory.Exemptions;

import com.google.common.collect.ImmutableList;

/**
 * The recipients one decision of the pipeline selects (the recipients a matcher returns), and the
 * exemptions that kept others out; {@link #exemptionPrevented()} says whether an exemption changed
 * the answer, which is when the decision log records it.
 */
public final class Selection {
    private static final Selection NONE = new Selection(ImmutableList.of(), null);

    private final List<Address> selected;
    private final Exemptions.Decision exemption;

    private Selection(List<Address> selected, Exemptions.Decision exemption) {
        this.selected = selected;
        this.exemption = exemption;
    }

    static Selection none() {
        return NONE;
    }

    /**
     * @param candidates the recipients the decision selects before the exceptions
     * @param exemption the exceptions' decision over those candidates: the exempt ones are left out
     */
    static Selection of(List<Address> candidates, Exemptions.Decision exemption) {
        if (!exemption.any()) {
            return new Selection(ImmutableList.copyOf(candidates), null);
        }
        return new Selection(ImmutableList.copyOf(exemption.notExempt()), exemption);
    }

    /** The candidates without the exempt ones: for a matcher that selects its candidates itself. */
    public static Selection ofExemptions(List<Address> candidates, Exemptions.Decision exemption) {
        return of(candidates, exemption);
    }

    /** A selection the exceptions narrowed when {@code prevented} is present. */
    static Selection narrowed(List<Address> selected, Optional<Exemptions.Decision> prevented) {
        return new Selection(ImmutableList.copyOf(selected), prevented.orElse(null));
    }

    /** The selected recipients, in the mail's order. */
    public List<Address> selected() {
        return selected;
    }

    public boolean isEmpty() {
        return selected.isEmpty();
    }

    /** True when exempt candidates were left out: the decision to log as {@code rule=exempt}. */
    public boolean exemptionPrevented() {
        return exemption != null;
    }

    /** The exceptions' decision over the candidates, when it left some out. */
    public Optional<Exemptions.Decision> exemption() {
        return Optional.ofNullable(exemption);
    }
}
