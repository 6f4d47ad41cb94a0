package org.t2trewrite.core.calendar;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.t2trewrite.core.Address;
import org.t2trewrite.core.header.AddressMapper;

/**
 * Invitations shaped like the ones real clients send (see docs in /work/shared/notes), written
 * with explicit line ends so that CRLF, LF and TAB folds survive any editor and git setting.
 * Addresses at source.example are mapped by {@link #MAPPER}; partner.example and dave are not.
 */
final class CalendarSamples {
    /** Maps source addresses to target ones and never a target address to anything: a second pass changes nothing. */
    static final Map<Address, Address> MAPPINGS = Map.of(
        Address.parse("alice@source.example"), Address.parse("alice@target.example"),
        Address.parse("bob@source.example"), Address.parse("robert.b@target.example"),
        Address.parse("carol.longname-for-folding@source.example"),
        Address.parse("carol.longname-for-folding-migrated@target.example"),
        Address.parse("eve@source.example"), Address.parse("εύα@target.example"));
    static final AddressMapper MAPPER = AddressMapper.of(MAPPINGS);

    static final class Sample {
        final String name;
        final byte[] bytes;

        Sample(String name, String text) {
            this.name = name;
            this.bytes = text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private CalendarSamples() {
    }

    static String crlf(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    static String lf(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    static final String OUTLOOK_REQUEST = crlf(
        "BEGIN:VCALENDAR",
        "METHOD:REQUEST",
        "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0",
        "BEGIN:VTIMEZONE",
        "TZID:W. Europe Standard Time",
        "BEGIN:STANDARD",
        "DTSTART:16010101T030000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        "ORGANIZER;CN=\"Smith, Alice\":mailto:alice@source.example",
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=\"Builder,",
        "\t Bob\":mailto:bob@source.example",
        "ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Frank Ext",
        "\t:mailto:frank@partner.example",
        "DESCRIPTION;LANGUAGE=en-US:Write to alice@source.example before the review\\n",
        "UID:040000008200E00074C5B7101A82E00800000000D0B2D9E5B2C6D901000000000000000",
        "\t010000000",
        "SUMMARY;LANGUAGE=en-US:Quarterly review",
        "DTSTART;TZID=W. Europe Standard Time:20261210T100000",
        "DTEND;TZID=W. Europe Standard Time:20261210T110000",
        "CLASS:PUBLIC",
        "PRIORITY:5",
        "DTSTAMP:20261201T090000Z",
        "TRANSP:OPAQUE",
        "STATUS:CONFIRMED",
        "SEQUENCE:0",
        "LOCATION;LANGUAGE=en-US:Room 1",
        "X-MICROSOFT-CDO-APPT-SEQUENCE:0",
        "X-MICROSOFT-CDO-OWNERAPPTID:2121234567",
        "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE",
        "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
        "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
        "X-MICROSOFT-CDO-IMPORTANCE:1",
        "X-MICROSOFT-CDO-INSTTYPE:0",
        "X-MICROSOFT-DONOTFORWARDMEETING:FALSE",
        "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
        "X-MICROSOFT-LOCATIONS:[{\"DisplayName\":\"Room 1\",\"LocationAnnotation\":\"\",\"LocationUri\":\"room1@source.example\",\"LocationStreet\":\"\"}]",
        "BEGIN:VALARM",
        "DESCRIPTION:REMINDER",
        "TRIGGER;RELATED=START:-PT15M",
        "ACTION:DISPLAY",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR");

    static final String EXCHANGE_ONLINE_REQUEST = crlf(
        "BEGIN:VCALENDAR",
        "METHOD:REQUEST",
        "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "ORGANIZER;CN=\"alice@source.example\";SENT-BY=\"MAILTO:bob@source.example\":MAILTO:alice@source.example",
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=dave@source.e",
        " xample:MAILTO:dave@source.example",
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=carol.longna",
        " me-for-folding@source.example:MAILTO:carol.longname-for-folding@source.exam",
        " ple",
        "X-MS-OLK-SENDER;CN=\"Builder, Bob\":MAILTO:bob@source.example",
        "UID:040000008200E00074C5B7101A82E0080000000010A4C2B7D1C6D901000000000000000",
        " 010000000",
        "SUMMARY;LANGUAGE=en-US:Migration sync",
        "DTSTART:20261210T100000Z",
        "DTEND:20261210T110000Z",
        "DTSTAMP:20261201T090000Z",
        "SEQUENCE:0",
        "END:VEVENT",
        "END:VCALENDAR");

    /** Google folds at 75 characters: with Greek text a physical line is longer than 75 octets. */
    static final String GOOGLE_REQUEST = crlf(
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "DTSTART:20261210T100000Z",
        "DTEND:20261210T110000Z",
        "DTSTAMP:20261201T090000Z",
        "ORGANIZER;CN=alice@source.example:mailto:alice@source.example",
        "UID:7kukuqrfedlm2f9t0vd8qj0q8a@google.com",
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE",
        " ;CN=alice@source.example;X-NUM-GUESTS=0:mailto:alice@source.example",
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=",
        " TRUE;CN=Εύα Παπαδοπούλου Καραγιαννοπούλου;X-NUM-GUESTS=0:mailto:eve@sour",
        " ce.example",
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=",
        " TRUE;CN=frank@partner.example;X-NUM-GUESTS=0:mailto:frank@partner.example",
        "ATTENDEE;CUTYPE=RESOURCE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Room;X-NUM-GUESTS=0:invalid:nomail",
        "X-MICROSOFT-CDO-OWNERAPPTID:-1234567890",
        "CREATED:20261201T085900Z",
        "DESCRIPTION:Συνάντηση για τη μετάβαση των γραμματοκιβωτίων στον νέο μισθωτή",
        " \\nJoin with Google Meet: https://meet.google.com/abc-defg-hij",
        "LAST-MODIFIED:20261201T090000Z",
        "LOCATION:",
        "SEQUENCE:0",
        "STATUS:CONFIRMED",
        "SUMMARY:Μετάβαση",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR");

    static final String ICLOUD_REQUEST = lf(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Apple Inc.//iPhone 17.1//EN",
        "METHOD:REQUEST",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        "UID:5B1D6B0C-6A0E-4B4C-9E56-2B7D7F1A9C11",
        "DTSTART;VALUE=DATE:20261210",
        "DTEND;VALUE=DATE:20261211",
        "DTSTAMP:20261201T090000Z",
        "SUMMARY:Offsite",
        "ORGANIZER;CN=\"Alice Smith\";EMAIL=\"alice@source.example\":mailto:alice@source",
        " .example",
        "ATTENDEE;CN=\"bob@source.example\";CUTYPE=INDIVIDUAL;EMAIL=\"bob@source.exampl",
        " e\";PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:bob@source.ex",
        " ample",
        "ATTENDEE;CN=\"Alice Smith\";CUTYPE=INDIVIDUAL;EMAIL=\"alice@source.example\";PA",
        " RTSTAT=ACCEPTED;ROLE=CHAIR:mailto:alice@source.example",
        "ATTENDEE;CN=\"dave@source.example\";CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION:u",
        " rn:uuid:00000000-0000-0000-0000-000000000001",
        "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC",
        "SEQUENCE:0",
        "END:VEVENT",
        "END:VCALENDAR");

    /** Yahoo's doubled scheme. */
    static final String YAHOO_REQUEST = crlf(
        "BEGIN:VCALENDAR",
        "PRODID:-//Yahoo//Calendar//EN",
        "VERSION:2.0",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "SUMMARY:Lunch",
        "ORGANIZER;CN=Alice:mailto:MAILTO:alice@source.example",
        "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;ROLE=REQ-PARTICIPANT;CN=Bob:mailto:M",
        " AILTO:bob@source.example",
        "UID:20261201T090000Z-12345@yahoo.com",
        "DTSTART:20261210T120000Z",
        "DTEND:20261210T130000Z",
        "DTSTAMP:20261201T090000Z",
        "END:VEVENT",
        "END:VCALENDAR");

    static final String THUNDERBIRD_REQUEST = lf(
        "BEGIN:VCALENDAR",
        "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
        "VERSION:2.0",
        "METHOD:REQUEST",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Berlin",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        "CREATED:20261201T085000Z",
        "LAST-MODIFIED:20261201T090000Z",
        "DTSTAMP:20261201T090000Z",
        "UID:d3f5b2a0-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "SUMMARY:Planning",
        "ORGANIZER;RSVP=TRUE;CN=Alice Smith;PARTSTAT=ACCEPTED;ROLE=CHAIR;EMAIL=alice",
        " @source.example:mailto:alice@source.example",
        "ATTENDEE;RSVP=TRUE;CN=Bob Builder;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPAN",
        " T;EMAIL=bob@source.example:mailto:bob@source.example",
        "ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT:mailto:frank@",
        " partner.example",
        "X-MOZ-SEND-INVITATIONS:TRUE",
        "DTSTART;TZID=Europe/Berlin:20261210T100000",
        "DTEND;TZID=Europe/Berlin:20261210T110000",
        "SEQUENCE:0",
        "END:VEVENT",
        "END:VCALENDAR");

    /** A weekly series with two exceptions: every VEVENT of the UID must be rewritten the same way. */
    static final String RECURRING_WITH_EXCEPTIONS = crlf(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Example//Recurring//EN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "UID:series-1@source.example",
        "DTSTART:20261207T090000Z",
        "DTEND:20261207T093000Z",
        "RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO",
        "DTSTAMP:20261201T090000Z",
        "SUMMARY:Standup",
        "ORGANIZER;CN=Alice:mailto:alice@source.example",
        "ATTENDEE;CN=Bob;PARTSTAT=NEEDS-ACTION:mailto:bob@source.example",
        "ATTENDEE;CN=Dave;PARTSTAT=NEEDS-ACTION:mailto:dave@source.example",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:series-1@source.example",
        "RECURRENCE-ID:20261214T090000Z",
        "DTSTART:20261214T100000Z",
        "DTEND:20261214T103000Z",
        "DTSTAMP:20261201T090000Z",
        "SUMMARY:Standup (moved)",
        "ORGANIZER;CN=Alice:mailto:alice@source.example",
        "ATTENDEE;CN=Bob;PARTSTAT=NEEDS-ACTION:mailto:bob@source.example",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:series-1@source.example",
        "RECURRENCE-ID:20261221T090000Z",
        "DTSTART:20261221T090000Z",
        "DTEND:20261221T093000Z",
        "DTSTAMP:20261201T090000Z",
        "SUMMARY:Standup (long)",
        "ORGANIZER;CN=Alice:mailto:alice@source.example",
        "ATTENDEE;CN=Carol;PARTSTAT=NEEDS-ACTION:mailto:carol.longname-for-folding@source.example",
        "END:VEVENT",
        "END:VCALENDAR");

    /** outlook.com REPLY without ORGANIZER, METHOD disagreeing with nothing in particular. */
    static final String REPLY_WITHOUT_ORGANIZER = crlf(
        "BEGIN:VCALENDAR",
        "METHOD:REPLY",
        "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "ATTENDEE;PARTSTAT=ACCEPTED;CN=\"Builder, Bob\":mailto:bob@source.example",
        "COMMENT;LANGUAGE=en-US:Fine by me\\n",
        "UID:series-1@source.example",
        "DTSTAMP:20261201T091500Z",
        "SEQUENCE:0",
        "END:VEVENT",
        "END:VCALENDAR");

    static final String COUNTER = crlf(
        "BEGIN:VCALENDAR",
        "METHOD:COUNTER",
        "VERSION:2.0",
        "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
        "BEGIN:VEVENT",
        "UID:series-1@source.example",
        "DTSTAMP:20261201T091500Z",
        "DTSTART:20261207T100000Z",
        "DTEND:20261207T103000Z",
        "ORGANIZER;CN=Alice:mailto:alice@source.example",
        "ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=Bob:mailto:bob@source.example",
        "COMMENT:Can we start an hour later?",
        "SEQUENCE:0",
        "END:VEVENT",
        "END:VCALENDAR");

    static final String CANCEL = crlf(
        "BEGIN:VCALENDAR",
        "METHOD:CANCEL",
        "VERSION:2.0",
        "PRODID:-//Example//Cancel//EN",
        "BEGIN:VEVENT",
        "UID:series-1@source.example",
        "DTSTAMP:20261201T093000Z",
        "DTSTART:20261207T090000Z",
        "ORGANIZER;CN=Alice:mailto:alice@source.example",
        "ATTENDEE;CN=Bob:mailto:bob@source.example",
        "ATTENDEE;CN=Frank:mailto:frank@partner.example",
        "STATUS:CANCELLED",
        "SEQUENCE:1",
        "END:VEVENT",
        "END:VCALENDAR");

    static final String DECLINECOUNTER = crlf(
        "BEGIN:VCALENDAR",
        "METHOD:DECLINECOUNTER",
        "VERSION:2.0",
        "PRODID:-//Example//Decline//EN",
        "BEGIN:VEVENT",
        "UID:series-1@source.example",
        "DTSTAMP:20261201T093000Z",
        "ORGANIZER:mailto:alice@source.example",
        "ATTENDEE:mailto:bob@source.example",
        "COMMENT:No, sorry",
        "SEQUENCE:0",
        "END:VEVENT",
        "END:VCALENDAR");

    static final String PUBLISH = lf(
        "BEGIN:VCALENDAR",
        "METHOD:PUBLISH",
        "VERSION:2.0",
        "PRODID:-//Example//Publish//EN",
        "BEGIN:VEVENT",
        "UID:publish-1@source.example",
        "DTSTAMP:20261201T093000Z",
        "DTSTART:20261210T090000Z",
        "SUMMARY:All hands",
        "ORGANIZER;CN=alice@source.example:MAILTO:ALICE@SOURCE.EXAMPLE",
        "END:VEVENT",
        "END:VCALENDAR");

    static final String ADD = crlf(
        "BEGIN:VCALENDAR",
        "METHOD:ADD",
        "VERSION:2.0",
        "PRODID:-//Example//Add//EN",
        "BEGIN:VEVENT",
        "UID:series-1@source.example",
        "DTSTAMP:20261201T093000Z",
        "DTSTART:20261230T090000Z",
        "SEQUENCE:2",
        "ORGANIZER;CN=Alice:Mailto:alice@source.example",
        "ATTENDEE;CN=Bob:Mailto:bob@source.example",
        "END:VEVENT",
        "END:VCALENDAR");

    static final String REFRESH = crlf(
        "BEGIN:VCALENDAR",
        "METHOD:REFRESH",
        "VERSION:2.0",
        "PRODID:-//Example//Refresh//EN",
        "BEGIN:VEVENT",
        "UID:series-1@source.example",
        "DTSTAMP:20261201T093000Z",
        "ORGANIZER:mailto:alice@source.example",
        "ATTENDEE:mailto:bob@source.example",
        "END:VEVENT",
        "END:VCALENDAR");

    /** Delegation: quoted comma-separated lists and a secretary's SENT-BY. */
    static final String DELEGATION = crlf(
        "BEGIN:VCALENDAR",
        "METHOD:REQUEST",
        "VERSION:2.0",
        "PRODID:-//Example//Delegation//EN",
        "BEGIN:VEVENT",
        "UID:delegation-1@source.example",
        "DTSTAMP:20261201T093000Z",
        "DTSTART:20261210T090000Z",
        "ORGANIZER;SENT-BY=\"mailto:bob@source.example\";CN=Alice:mailto:alice@source.example",
        "ATTENDEE;DELEGATED-TO=\"mailto:bob@source.example\",\"mailto:frank@partner.example\";PARTSTAT=DELEGATED:mailto:alice@source.example",
        "ATTENDEE;DELEGATED-FROM=\"MAILTO:alice@source.example\";PARTSTAT=NEEDS-ACTION:mailto:bob@source.example",
        "END:VEVENT",
        "END:VCALENDAR");

    /** Folds where parsers break: inside the scheme, right after the scheme, inside the address, right after the value's ':', and a second space that is content. */
    static final String FOLDS_EVERYWHERE = crlf(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Example//Folds//EN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "UID:folds-1@source.example",
        "DTSTAMP:20261201T093000Z",
        "ORGANIZER;CN=Alice:MAIL",
        " TO:alice@source.example",
        "ATTENDEE;CN=Bob:mailto:",
        " bob@source.example",
        "ATTENDEE;CN=Carol:mailto:carol.longname-for-",
        " folding@source.example",
        "ATTENDEE;CN=Dave:",
        " mailto:dave@source.example",
        "ATTENDEE;CN=Eve:",
        "  mailto:eve@source.example",
        "END:VEVENT",
        "END:VCALENDAR");

    /** Cut off in the middle of VTIMEZONE: no END:VCALENDAR, the last line without a line end. */
    static final String TRUNCATED =
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
            + "ORGANIZER;CN=Alice:mailto:alice@source.example\r\n"
            + "ATTENDEE;CN=Bob:mailto:bob@source.example\r\nEND:VEVENT\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Berl";

    /** Tine 2.0's unquoted SENT-BY whose value holds a colon. */
    static final String UNQUOTED_SENT_BY = lf(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//tine20.org//Tine 2.0//EN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "UID:tine-1@source.example",
        "DTSTAMP:20261201T093000Z",
        "ORGANIZER;SENT-BY=mailto:bob@source.example;CN=Alice:mailto:alice@source.example",
        "END:VEVENT",
        "END:VCALENDAR");

    static List<Sample> all() {
        return List.of(
            new Sample("Outlook REQUEST, CRLF, TAB folds, X-MICROSOFT-*", OUTLOOK_REQUEST),
            new Sample("Exchange Online REQUEST, MAILTO:, CN is the address, SENT-BY, X-MS-OLK-SENDER", EXCHANGE_ONLINE_REQUEST),
            new Sample("Google REQUEST, folds at 75 characters", GOOGLE_REQUEST),
            new Sample("iCloud REQUEST, LF, EMAIL parameter", ICLOUD_REQUEST),
            new Sample("Yahoo REQUEST, mailto:MAILTO:", YAHOO_REQUEST),
            new Sample("Thunderbird REQUEST, LF, EMAIL parameter", THUNDERBIRD_REQUEST),
            new Sample("recurring meeting with exceptions", RECURRING_WITH_EXCEPTIONS),
            new Sample("REPLY without ORGANIZER", REPLY_WITHOUT_ORGANIZER),
            new Sample("COUNTER", COUNTER),
            new Sample("CANCEL", CANCEL),
            new Sample("DECLINECOUNTER", DECLINECOUNTER),
            new Sample("PUBLISH, LF, upper-case address", PUBLISH),
            new Sample("ADD, Mailto:", ADD),
            new Sample("REFRESH", REFRESH),
            new Sample("delegation lists and SENT-BY", DELEGATION),
            new Sample("folds everywhere", FOLDS_EVERYWHERE),
            new Sample("truncated in VTIMEZONE", TRUNCATED),
            new Sample("unquoted SENT-BY with a colon", UNQUOTED_SENT_BY));
    }
}
