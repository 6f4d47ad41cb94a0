package org.t2trewrite.matchers;

import javax.inject.Inject;

import org.t2trewrite.core.Group;
import org.t2trewrite.glue.PinnedSnapshots;

/**
 * Matches mail whose sender is a DayTwo member (presented with their source address), or with
 * {@code =recipients}, the recipients who are.
 *
 * <pre>{@code
 * <mailet match="org.t2trewrite.matchers.IsDayTwoMember" class="org.t2trewrite.mailets.RewriteSender"/>
 * <mailet match="org.t2trewrite.matchers.IsDayTwoMember=recipients" class="..."/>
 * }</pre>
 *
 * <p>Condition: none — the sender identity (first {@code From} address, else the envelope
 * sender) is a member: all recipients match, else none; {@code recipients} — the recipients who
 * are members. Any other condition stops James at start-up.
 *
 * <p>On failure: an unavailable directory throws {@code MessagingException}; James applies the
 * matcher's {@code onMatchException} (default: the mail goes to the {@code error} processor,
 * which keeps it). Never "not a member" by default.
 *
 * <p>Exceptions: a mail from an exempt sender matches nothing; exempt recipients are never
 * returned (James gives them a copy of their own, not rewritten); logged as {@code rule=exempt}.
 *
 * <p>Limitations: a person in both groups never matches (logged at WARN); membership is as fresh
 * as the directory's snapshot.
 */
public class IsDayTwoMember extends GroupMemberMatcher {
    @Inject
    public IsDayTwoMember(PinnedSnapshots snapshots) {
        super(snapshots, Group.DAY_TWO);
    }

    @Override
    public String getMatcherInfo() {
        return "IsDayTwoMember";
    }
}
