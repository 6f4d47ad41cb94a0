package org.t2trewrite.glue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.base.GenericMatcher;

/**
 * How our matchers read their condition (the part after {@code =} in {@code match="Name=..."}):
 * nothing, or one of a fixed set of words. Anything else stops James at start-up, naming the
 * matcher, the value and what it accepts: a typo never quietly becomes the default.
 */
public final class MatcherCondition {
    private MatcherCondition() {
    }

    /**
     * The matcher's condition: empty when none was given, else the one of {@code allowed} it is
     * (exactly, after trimming).
     */
    public static Optional<String> oneOf(GenericMatcher matcher, String... allowed) throws MessagingException {
        String condition = Optional.ofNullable(matcher.getCondition()).map(String::trim).orElse("");
        if (condition.isEmpty()) {
            return Optional.empty();
        }
        List<String> words = Arrays.asList(allowed);
        if (words.contains(condition)) {
            return Optional.of(condition);
        }
        String name = matcher.getClass().getSimpleName();
        throw new MessagingException(words.isEmpty()
            ? name + " takes no condition, got '" + condition + "'"
            : name + ": condition must be empty or " + String.join(" or ", words.stream().map(w -> "'" + w + "'").toArray(String[]::new))
                + ", not '" + condition + "'");
    }
}
