package org.t2trewrite.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.MessageSplit;
import org.t2trewrite.core.mime.MimePart;
import org.t2trewrite.core.mime.MimeTree;
import org.t2trewrite.core.mime.TransferCodec;

/** The MIME walker and CalendarRewrite on randomly damaged whole messages. */
class CalendarRewriteProperties {

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String base64(String calendar, int lineLength, String lineEnd) {
        String encoded = Base64.getEncoder().encodeToString(calendar.getBytes(StandardCharsets.UTF_8));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < encoded.length(); i += lineLength) {
            lines.append(encoded, i, Math.min(encoded.length(), i + lineLength)).append(lineEnd);
        }
        return lines.toString();
    }

    private static String quotedPrintable(String calendar) {
        return latin1(TransferCodec.decode("quoted-printable", "x\r\n".getBytes(StandardCharsets.US_ASCII))
            .encode(calendar.getBytes(StandardCharsets.UTF_8)));
    }

    static List<byte[]> messages() {
        String outlook = "From: alice@source.example\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"mixed_1\"\r\n\r\npreamble\r\n--mixed_1\r\n"
            + "Content-Type: multipart/alternative; boundary=\"alt_1\"\r\n\r\n"
            + "--alt_1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nhello\r\n"
            + "--alt_1\r\nContent-Type: text/calendar; charset=\"utf-8\"; method=REQUEST\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64(CalendarSamples.OUTLOOK_REQUEST, 76, "\r\n") + "\r\n--alt_1--\r\n\r\n"
            + "--mixed_1\r\nContent-Type: application/ics; name=\"invite.ics\"\r\nContent-Disposition: attachment; filename=\"invite.ics\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + base64(CalendarSamples.OUTLOOK_REQUEST, 76, "\r\n")
            + "\r\n--mixed_1--\r\nepilogue\r\n";
        String google = "Content-Type: multipart/alternative; boundary=g\n\n--g\nContent-Type: text/plain\n\nx\n"
            + "--g\nContent-Type: text/calendar; charset=UTF-8; method=REQUEST\nContent-Transfer-Encoding: quoted-printable\n\n"
            + quotedPrintable(CalendarSamples.GOOGLE_REQUEST) + "\n--g--\n";
        String single = "Content-Type: text/calendar; method=REPLY; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + latin1(CalendarSamples.DELEGATION.getBytes(StandardCharsets.UTF_8));
        String thunderbird = "Content-Type: multipart/mixed; boundary=t\n\n--t\nContent-Type: application/octet-stream; name=i.ics\n"
            + "Content-Transfer-Encoding: base64\n\n" + base64(CalendarSamples.THUNDERBIRD_REQUEST, 72, "\n") + "--t--\n";
        return List.of(outlook.getBytes(StandardCharsets.ISO_8859_1), google.getBytes(StandardCharsets.ISO_8859_1),
            single.getBytes(StandardCharsets.ISO_8859_1), thunderbird.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Provide
    Arbitrary<byte[]> damagedMessages() {
        return Arbitraries.of(messages()).flatMap(message -> Mutation.any().list().ofMaxSize(6)
            .map(mutations -> Mutation.applyAll(message, mutations)));
    }

    private static HeaderSection header(byte[] message) {
        return HeaderSection.split(message).header(message);
    }

    private static byte[] body(byte[] message) {
        MessageSplit split = HeaderSection.split(message);
        return Arrays.copyOfRange(message, split.bodyOffset(), message.length);
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
    void walkerFindsOrderedLeavesAndSplicesBackTheSameBytes(@ForAll("damagedMessages") byte[] message) {
        byte[] body = body(message);
        MimeTree tree = MimeTree.of(header(message), body);

        int previousEnd = 0;
        Map<MimePart, byte[]> same = new HashMap<>();
        for (MimePart part : tree.leaves()) {
            assertThat(part.headerStart()).isGreaterThanOrEqualTo(part.isMessageBody() ? 0 : previousEnd);
            assertThat(part.headerStart()).isLessThanOrEqualTo(part.headerEnd());
            assertThat(part.headerEnd()).isLessThanOrEqualTo(part.bodyStart());
            assertThat(part.bodyStart()).isLessThanOrEqualTo(part.bodyEnd());
            assertThat(part.bodyEnd()).isLessThanOrEqualTo(body.length);
            previousEnd = part.bodyEnd();
            same.put(part, tree.bodyOf(part));
        }
        assertThat(tree.withBodies(same)).isEqualTo(body);
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
    void identityMapperReturnsTheVeryBody(@ForAll("damagedMessages") byte[] message) {
        byte[] body = body(message);

        CalendarRewrite rewrite = CalendarRewrite.apply(header(message), body, AddressMapper.identity());

        assertThat(rewrite.changed()).isFalse();
        assertThat(rewrite.body()).isSameAs(body);
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
    void secondPassChangesNothing(@ForAll("damagedMessages") byte[] message) {
        HeaderSection header = header(message);
        byte[] once = CalendarRewrite.apply(header, body(message), CalendarSamples.MAPPER).body();

        CalendarRewrite twice = CalendarRewrite.apply(header, once, CalendarSamples.MAPPER);

        assertThat(twice.changed()).as(latin1(once)).isFalse();
    }

    @Property(tries = 50, edgeCases = EdgeCasesMode.NONE)
    void undamagedMessagesAreRewritten(@ForAll("undamaged") byte[] message) {
        CalendarRewrite rewrite = CalendarRewrite.apply(header(message), body(message), CalendarSamples.MAPPER);

        assertThat(rewrite.changed()).isTrue();
        assertThat(rewrite.problems()).isEmpty();
    }

    @Provide
    Arbitrary<byte[]> undamaged() {
        return Arbitraries.of(messages());
    }
}
