package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The message size limit of james-conf/ (t2t.smtp.maxMessageSizeKb), lowered to 1 MB here: a larger
 * mail gets one refusal for its DATA and goes nowhere; a mail under the limit is relayed.
 */
class MessageSizeLimitIT {
    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .editConf("jvm.properties", text -> text + "\nt2t.smtp.maxMessageSizeKb=1024\n")
        .build();

    private static byte[] message(String id, int bytes) {
        StringBuilder text = new StringBuilder("From: frank@source.example\r\nTo: ext@external.example\r\n"
            + "Subject: size\r\nMessage-ID: <" + id + "@client.example>\r\n\r\n");
        while (text.length() < bytes) {
            text.append("0123456789012345678901234567890123456789012345678901234567890123456789012345\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void refusesALargerMailWithOneReplyAndRelaysNothingOfIt() throws Exception {
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            assertThat(client.command("MAIL FROM:<frank@source.example>").isPositive()).isTrue();
            assertThat(client.command("RCPT TO:<ext@external.example>").isPositive()).isTrue();
            assertThat(client.command("DATA").code()).isEqualTo(354);

            SmtpClient.Reply reply = client.data(message("too-big", 2 * 1024 * 1024));

            assertThat(reply.code()).as("reply %s", reply).isEqualTo(552);
            // The next reply answers the next command: no second reply to the DATA.
            assertThat(client.command("NOOP").code()).isEqualTo(250);
        }
        RELAY.send("frank@source.example", List.of("ext@external.example"), message("small", 100 * 1024));
        assertThat(RELAY.sink().await(d -> d.dataAsString().contains("<small@client.example>"), 1, Duration.ofSeconds(60)))
            .hasSize(1);
        assertThat(RELAY.sink().deliveries()).noneMatch(d -> d.dataAsString().contains("<too-big@client.example>"));
    }
}
