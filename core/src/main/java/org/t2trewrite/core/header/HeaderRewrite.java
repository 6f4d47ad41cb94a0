package org.t2trewrite.core.header;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What {@link AddressHeaderRewriter#rewrite} did: the new header section, the addresses it
 * replaced, and the fields it could not parse (left unchanged).
 */
public final class HeaderRewrite {
    private final HeaderSection section;
    private final List<Replacement> replacements;
    private final List<HeaderProblem> problems;
    private final boolean changed;

    HeaderRewrite(HeaderSection section, List<Replacement> replacements, List<HeaderProblem> problems, boolean changed) {
        this.section = Objects.requireNonNull(section, "section");
        this.replacements = Collections.unmodifiableList(new ArrayList<>(replacements));
        this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
        this.changed = changed;
    }

    /** The rewritten section; the very input section when nothing changed. */
    public HeaderSection section() {
        return section;
    }

    public List<Replacement> replacements() {
        return replacements;
    }

    public List<HeaderProblem> problems() {
        return problems;
    }

    /** True when at least one byte differs from the input. */
    public boolean changed() {
        return changed;
    }

    @Override
    public String toString() {
        return "HeaderRewrite{replacements=" + replacements + ", problems=" + problems + "}";
    }
}
