package org.t2trewrite.graph;

import java.util.Locale;
import java.util.Optional;

/**
 * How a source user is paired with its counterpart in the target tenant: both users carry the same
 * value of one attribute (compared case-insensitively, trimmed).
 *
 * <ul>
 *   <li>{@code localPart} (the default) — the local part of the primary {@code mail}: {@code j.doe@source.example}
 *   pairs with {@code j.doe@target.example}. Works without preparing the directories, which is the common case
 *   when both companies use the same naming convention.</li>
 *   <li>{@code employeeId} — the {@code employeeId} attribute, for HR-synchronised directories.</li>
 *   <li>{@code extensionAttribute1} … {@code extensionAttribute15} — an Exchange custom attribute
 *   ({@code onPremisesExtensionAttributes}), which migration tools commonly stamp with a shared id.</li>
 * </ul>
 *
 * <p>Does not guess: a value shared by two users of one tenant pairs neither of them (reported as a problem).
 */
public final class MatchRule {
    public static final MatchRule LOCAL_PART = new MatchRule("localPart", 0);
    public static final MatchRule EMPLOYEE_ID = new MatchRule("employeeId", 0);

    private final String name;
    private final int extensionAttribute;

    private MatchRule(String name, int extensionAttribute) {
        this.name = name;
        this.extensionAttribute = extensionAttribute;
    }

    /**
     * @throws IllegalArgumentException naming the value when it is none of the documented rules
     */
    public static MatchRule parse(String value) {
        String trimmed = value == null ? "" : value.trim();
        if (trimmed.equalsIgnoreCase(LOCAL_PART.name)) {
            return LOCAL_PART;
        }
        if (trimmed.equalsIgnoreCase(EMPLOYEE_ID.name)) {
            return EMPLOYEE_ID;
        }
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("extensionattribute")) {
            String number = lower.substring("extensionattribute".length());
            if (number.matches("[0-9]{1,2}")) {
                int n = Integer.parseInt(number);
                if (n >= 1 && n <= 15) {
                    return new MatchRule("extensionAttribute" + n, n);
                }
            }
        }
        throw new IllegalArgumentException("must be localPart, employeeId or extensionAttribute1..15, not '" + value + "'");
    }

    public String name() {
        return name;
    }

    /** 1..15 for an extension attribute rule, otherwise empty. */
    public Optional<Integer> extensionAttribute() {
        return extensionAttribute == 0 ? Optional.empty() : Optional.of(extensionAttribute);
    }

    /** Normalises an attribute value into a pairing key; empty when the value is blank. */
    static Optional<String> key(String value) {
        if (value == null || value.trim().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(value.trim().toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MatchRule && ((MatchRule) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
