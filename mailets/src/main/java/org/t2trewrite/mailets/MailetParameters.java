package org.t2trewrite.mailets;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

import javax.mail.MessagingException;

import org.apache.mailet.base.GenericMailet;

/** Start-up validation of mailet parameters shared by our mailets. */
public final class MailetParameters {
    /** Parameters James itself reads on every mailet; never "unknown". */
    private static final Set<String> JAMES_PARAMETERS = Set.of("onMailetException", "onMatchException");

    private MailetParameters() {
    }

    /**
     * Rejects any parameter not in {@code known}: a typo must stop James at start-up rather than
     * quietly become a default.
     */
    public static void checkKnown(GenericMailet mailet, String... known) throws MessagingException {
        Set<String> allowed = new HashSet<>(Arrays.asList(known));
        allowed.addAll(JAMES_PARAMETERS);
        Set<String> unknown = new TreeSet<>();
        Iterator<String> names = mailet.getInitParameterNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new MessagingException(mailet.getClass().getSimpleName() + ": unknown parameter(s) " + unknown
                + "; known: " + new TreeSet<>(Arrays.asList(known)));
        }
    }
}
