package org.t2trewrite.dkim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.t2trewrite.core.header.HeaderSection;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;

/**
 * Which header fields a signature covers (its {@code h=} tag): every present instance of each
 * listed name, and one instance more than present of each over-signed name, so that a field of
 * that name added later breaks the signature (RFC 6376 §8.15).
 *
 * <p>Absent names are not listed (except over-signed ones): a hop that adds a missing
 * {@code Date}, {@code Message-ID} or {@code MIME-Version} (James's RemoteDelivery does when it
 * downgrades to 7 bit) must not break the signature.
 */
public final class SignedHeaders {
    /**
     * RFC 6376 §5.4.1's recommended fields plus the MIME fields that decide how the body is read.
     * Not {@code Received}/{@code Return-Path} (trace fields added later) nor {@code Bcc}.
     */
    public static final List<String> DEFAULT = ImmutableList.of(
        "From", "Sender", "Reply-To", "Subject", "Date", "Message-ID", "To", "Cc",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-ID", "Content-Description",
        "Resent-Date", "Resent-From", "Resent-Sender", "Resent-To", "Resent-Cc", "Resent-Message-ID",
        "In-Reply-To", "References",
        "List-Id", "List-Help", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Subscribe", "List-Post",
        "List-Owner", "List-Archive");
    public static final List<String> DEFAULT_OVERSIGNED = ImmutableList.of("From");

    private final List<String> names;
    private final Set<String> overSigned;

    private SignedHeaders(List<String> names, Set<String> overSigned) {
        this.names = names;
        this.overSigned = overSigned;
    }

    /**
     * @throws IllegalArgumentException when {@code From} is missing (RFC 6376 §5.4: it must
     *         always be signed), a name is not a field name, or an over-signed name is not listed
     */
    public static SignedHeaders of(List<String> names, List<String> overSigned) {
        Set<String> unique = new LinkedHashSet<>();
        for (String name : names) {
            unique.add(checkName(name));
        }
        if (!unique.contains("from")) {
            throw new IllegalArgumentException("the signed headers must include From (RFC 6376 §5.4), got " + names);
        }
        Set<String> over = new LinkedHashSet<>();
        for (String name : overSigned) {
            String checked = checkName(name);
            if (!unique.contains(checked)) {
                throw new IllegalArgumentException("over-signed header '" + name + "' is not among the signed headers " + names);
            }
            over.add(checked);
        }
        return new SignedHeaders(ImmutableList.copyOf(unique), ImmutableSet.copyOf(over));
    }

    /** Parses a list separated by commas or colons, as in the {@code h=} tag. */
    public static List<String> parseList(String value) {
        return Splitter.onPattern("[,:]").trimResults().omitEmptyStrings().splitToList(Objects.requireNonNull(value));
    }

    private static String checkName(String name) {
        String trimmed = name.trim();
        // RFC 5322 §3.6.8: printable ASCII except colon.
        if (trimmed.isEmpty() || !trimmed.chars().allMatch(c -> c > 32 && c < 127 && c != ':' && c != ';')) {
            throw new IllegalArgumentException("'" + name + "' is not a header field name");
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }

    /** The {@code h=} names for a message with these fields, in configured order. */
    List<String> select(HeaderSection fields) {
        List<String> selected = new ArrayList<>();
        for (String name : names) {
            int present = fields.fields(name).size();
            int count = overSigned.contains(name) ? present + 1 : present;
            for (int i = 0; i < count; i++) {
                selected.add(name);
            }
        }
        return selected;
    }

    @Override
    public String toString() {
        return "signed " + names + ", over-signed " + overSigned;
    }
}
