package org.t2trewrite.mailets;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.HeaderProblem;
import org.t2trewrite.core.header.Replacement;
import org.t2trewrite.core.mime.PartProblem;

/**
 * Formats the one structured INFO line each decision writes: {@code key=value} pairs, addresses
 * only, never message content or secrets.
 */
final class DecisionLog {
    private DecisionLog() {
    }

    static String replacements(List<Replacement> replacements) {
        return replacements.stream()
            .map(r -> r.fieldName() + ":" + r.before() + "->" + r.after())
            .collect(Collectors.joining(", ", "[", "]"));
    }

    static String redirections(Map<Address, Address> redirected) {
        return redirected.entrySet().stream()
            .map(entry -> entry.getKey() + "->" + entry.getValue())
            .collect(Collectors.joining(", ", "[", "]"));
    }

    static String partProblems(List<PartProblem> problems) {
        return problems.stream()
            .map(p -> p.part() + ": " + p.reason())
            .collect(Collectors.joining("; ", "[", "]"));
    }

    static String problems(List<HeaderProblem> problems) {
        return problems.stream()
            .map(p -> p.fieldName() + ": " + p.reason())
            .collect(Collectors.joining("; ", "[", "]"));
    }
}
