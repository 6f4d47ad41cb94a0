package org.t2trewrite.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.t2trewrite.core.Address;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.ExemptionPattern;
import org.t2trewrite.core.directory.Exemptions;
import org.t2trewrite.core.header.AddressMapper;
import org.t2trewrite.core.header.HeaderSection;
import org.t2trewrite.core.header.Replacement;
import org.t2trewrite.core.mime.PartProblem;
import org.t2trewrite.core.rewrite.AddressRules;

class DeliveryReportRewriteTest {
    private static final AddressMapper MAPPER = AddressMapper.of(Map.of(
        Address.parse("alice@source.example"), Address.parse("alice@target.example"),
        Address.parse("bob@source.example"), Address.parse("robert.b@target.example")));

    private static final HeaderSection REPORT = HeaderSection.parse(bytes(
        "From: MAILER-DAEMON@mx.example\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"r1\"\r\n"));

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A Postfix bounce: explanation, delivery status with two recipients, the returned headers. */
    private static String postfixBounce(String first, String second, String returnedTo) {
        return "This is a MIME-encapsulated message.\r\n\r\n--r1\r\nContent-Description: Notification\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\nI could not deliver to <bob@source.example>.\r\n\r\n"
            + "--r1\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n"
            + "Reporting-MTA: dns; mx.example\r\nX-Postfix-Queue-ID: 4F2A1C0\r\nArrival-Date: Tue,  1 Dec 2026 09:00:00 +0000\r\n\r\n"
            + "Final-Recipient: rfc822; " + first + "\r\nOriginal-Recipient: rfc822;" + first + "\r\nAction: failed\r\n"
            + "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <bob@source.example>: unknown\r\n\r\n"
            + "Final-Recipient: RFC822; " + second + "\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\n"
            + "Final-Recipient: x400; /C=US/S=bob\r\nAction: failed\r\nStatus: 5.0.0\r\n\r\n"
            + "--r1\r\nContent-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            + "From: \"Alice\" <alice@source.example>\r\nTo: " + returnedTo + "\r\nSubject: bob@source.example\r\n\r\n"
            + "--r1--\r\n";
    }

    @Test
    void keepsAnExemptAddressInTheReportWhileRewritingTheOthers() {
        DirectorySnapshot snapshot = Fixtures.scenarioDirectory().withExemptions(Exemptions.of(
            List.of(), List.of(ExemptionPattern.parse("bob@source.example")), List.of()));
        String body = postfixBounce("bob@source.example", "alice@source.example", "bob@source.example");

        DeliveryReportRewrite rewrite = DeliveryReportRewrite.apply(REPORT, bytes(body), AddressRules.presented(snapshot));

        assertThat(text(rewrite.body())).isEqualTo(postfixBounce("bob@source.example", "alice@target.example", "bob@source.example")
            .replace("From: \"Alice\" <alice@source.example>", "From: \"Alice\" <alice@target.example>"));
    }

    @Test
    void rewritesRecipientsAndReturnedHeadersKeepingEveryOtherByte() {
        String body = postfixBounce("bob@source.example", "alice@source.example", "Bob <bob@source.example>, frank@partner.example");

        DeliveryReportRewrite rewrite = DeliveryReportRewrite.apply(REPORT, bytes(body), MAPPER);

        assertThat(text(rewrite.body())).isEqualTo(postfixBounce("robert.b@target.example", "alice@target.example",
            "Bob <robert.b@target.example>, frank@partner.example")
            .replace("From: \"Alice\" <alice@source.example>", "From: \"Alice\" <alice@target.example>"));
        assertThat(rewrite.problems()).isEmpty();
        assertThat(rewrite.replacements()).extracting(Replacement::fieldName).containsExactly(
            "message/delivery-status Final-Recipient", "message/delivery-status Original-Recipient",
            "message/delivery-status Final-Recipient", "text/rfc822-headers From", "text/rfc822-headers To");
    }

    @Test
    void secondPassChangesNothing() {
        byte[] once = DeliveryReportRewrite.apply(REPORT, bytes(postfixBounce("bob@source.example", "alice@source.example",
            "bob@source.example")), MAPPER).body();

        DeliveryReportRewrite twice = DeliveryReportRewrite.apply(REPORT, once, MAPPER);

        assertThat(twice.changed()).isFalse();
        assertThat(twice.body()).isSameAs(once);
    }

    /** name, header, body, body rewritten. */
    static Stream<Arguments> reports() {
        String mdn = "--m\nContent-Type: text/plain\n\nRead.\n--m\nContent-Type: message/disposition-notification\n\n"
            + "Reporting-UA: mail.example; Thunderbird\nOriginal-Recipient: rfc822;%s\nFinal-Recipient: rfc822; <%s>\n"
            + "Original-Message-ID: <1@x>\nDisposition: manual-action/MDN-sent-manually; displayed\n--m--\n";
        String exchange = "--e\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            + "--e\r\nContent-Type: message/rfc822\r\n\r\nFrom: %s\r\nTo: x@partner.example\r\n\r\nbody mentions alice@source.example\r\n--e--\r\n";
        String status = "Reporting-MTA: dns;mx.example\r\n\r\nFinal-Recipient: rfc822;%s\r\nAction: failed\r\nStatus: 5.1.10\r\n";
        return Stream.of(
            Arguments.of("read receipt (RFC 8098), LF, angle brackets", "Content-Type: multipart/report; report-type=disposition-notification; boundary=m\n",
                String.format(mdn, "alice@source.example", "alice@source.example"),
                String.format(mdn, "alice@target.example", "alice@target.example")),
            Arguments.of("Exchange NDR: base64 status, returned message/rfc822 header only",
                "Content-Type: multipart/report; report-type=delivery-status; boundary=e\r\n",
                String.format(exchange, Base64.getEncoder().encodeToString(bytes(String.format(status, "bob@source.example"))),
                    "alice@source.example"),
                String.format(exchange, Base64.getEncoder().encodeToString(bytes(String.format(status, "robert.b@target.example"))),
                    "alice@target.example")),
            Arguments.of("not a report: a forwarded message/rfc822 is kept", "Content-Type: multipart/mixed; boundary=e\r\n",
                String.format(exchange, Base64.getEncoder().encodeToString(bytes(String.format(status, "bob@source.example"))),
                    "alice@source.example"),
                String.format(exchange, Base64.getEncoder().encodeToString(bytes(String.format(status, "bob@source.example"))),
                    "alice@source.example")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reports")
    void rewritesReportShapes(String name, String header, String body, String expected) {
        DeliveryReportRewrite rewrite = DeliveryReportRewrite.apply(HeaderSection.parse(bytes(header)), bytes(body), MAPPER);

        assertThat(text(rewrite.body())).isEqualTo(expected);
        assertThat(rewrite.changed()).isEqualTo(!body.equals(expected));
    }

    @Test
    void leavesARecipientThatIsNotAnAddressWithAReason() {
        String body = "--r1\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; not an address\r\n"
            + "Final-Recipient: bob@source.example\r\n--r1--\r\n";
        byte[] input = bytes(body);

        DeliveryReportRewrite rewrite = DeliveryReportRewrite.apply(REPORT, input, MAPPER);

        assertThat(rewrite.body()).isSameAs(input);
        assertThat(rewrite.problems()).extracting(PartProblem::reason).containsExactly(
            "Final-Recipient: not an address: 'not an address'; field left as it is",
            "Final-Recipient: no 'type;' before the address; field left as it is");
    }
}
