package org.t2trewrite.glue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.directory.Exemptions;
import org.t2trewrite.core.header.HeaderProblem;
import org.t2trewrite.core.header.Replacement;
import org.t2trewrite.core.mime.PartProblem;

/**
 * Formats the one structured INFO line each decision writes: {@code key=value} pairs, addresses
 * only, never message content or secrets. Shared by our matchers and mailets, so that a decision
 * reads the same whichever piece took it.
 */
public final class DecisionLog {
    private DecisionLog() {
    }

    public static String replacements(List<Replacement> replacements) {
        return replacements.stream()
            .map(r -> r.fieldName() + ":" + r.before() + "->" + r.after())
            .collect(Collectors.joining(", ", "[", "]"));
    }

    public static String redirections(Map<Address, Address> redirected) {
        return redirected.entrySet().stream()
            .map(entry -> entry.getKey() + "->" + entry.getValue())
            .collect(Collectors.joining(", ", "[", "]"));
    }

    public static String partProblems(List<PartProblem> problems) {
        return problems.stream()
            .map(p -> p.part() + ": " + p.reason())
            .collect(Collectors.joining("; ", "[", "]"));
    }

    public static String problems(List<HeaderProblem> problems) {
        return problems.stream()
            .map(p -> p.fieldName() + ": " + p.reason())
            .collect(Collectors.joining("; ", "[", "]"));
    }

    /**
     * The one line of an exemption: what a matcher or mailet did not do, for whom, and which
     * exception entry said so. {@code what} names the decision it prevented ({@code sender rewrite},
     * {@code redirect}, {@code calendar copy}).
     */
    public static String exemption(String mailName, String decidedBy, String prevented, Exemptions.Decision decision) {
        return "mail=" + mailName + " rule=exempt by=" + decidedBy + " prevented=" + prevented.replace(' ', '-')
            + " exempt=" + decision;
    }
}
