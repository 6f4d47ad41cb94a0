package org.t2trewrite.mailets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.t2trewrite.core.calendar.CalendarRewrite;
import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.Replacement;
import org.t2trewrite.core.mime.PartProblem;
import org.t2trewrite.core.report.DeliveryReportRewrite;
import org.t2trewrite.glue.DecisionLog;
import org.t2trewrite.glue.MessageBytes;

/**
 * The body parts our rewriting mailets change by the same rule as the header: invitations
 * ({@code text/calendar}, {@code application/ics}, {@code .ics} attachments; {@link CalendarRewrite})
 * and delivery or disposition reports ({@code multipart/report}; {@link DeliveryReportRewrite}).
 *
 * <p>Cost: a message whose bytes contain none of the rewrites' markers
 * ({@link CalendarRewrite#MARKERS}, {@link DeliveryReportRewrite#MARKERS}) is not copied or
 * parsed at all; others get one body copy and one MIME walk per kind.
 *
 * <p>A part that cannot be edited safely is left exactly as it was, logged at WARN with the
 * reason; the mail is never refused for it.
 */
final class BodyUpdate {
    private final Optional<byte[]> body;
    private final List<Replacement> replacements;

    private BodyUpdate(Optional<byte[]> body, List<Replacement> replacements) {
        this.body = body;
        this.replacements = replacements;
    }

    static BodyUpdate none() {
        return new BodyUpdate(Optional.empty(), List.of());
    }

    static BodyUpdate apply(Mail mail, MessageBytes message, HeaderSection header, AddressMapper mapper, String rule,
                            Logger logger) {
        boolean calendar = message.containsAnyIgnoreCase(CalendarRewrite.MARKERS);
        boolean report = message.containsAnyIgnoreCase(DeliveryReportRewrite.MARKERS);
        if (!calendar && !report) {
            return none();
        }
        byte[] original = message.bodyCopy();
        byte[] body = original;
        List<Replacement> replacements = new ArrayList<>();
        List<PartProblem> problems = new ArrayList<>();
        if (calendar) {
            CalendarRewrite rewrite = CalendarRewrite.apply(header, body, mapper);
            body = rewrite.body();
            replacements.addAll(rewrite.replacements());
            problems.addAll(rewrite.problems());
        }
        if (report) {
            DeliveryReportRewrite rewrite = DeliveryReportRewrite.apply(header, body, mapper);
            body = rewrite.body();
            replacements.addAll(rewrite.replacements());
            problems.addAll(rewrite.problems());
        }
        if (!problems.isEmpty()) {
            logger.warn("mail={} rule={} body parts left unchanged {}", mail.getName(), rule, DecisionLog.partProblems(problems));
        }
        return new BodyUpdate(body == original ? Optional.empty() : Optional.of(body), List.copyOf(replacements));
    }

    /** The new body, when any part changed. */
    Optional<byte[]> body() {
        return body;
    }

    boolean changed() {
        return body.isPresent();
    }

    List<Replacement> replacements() {
        return replacements;
    }
}
