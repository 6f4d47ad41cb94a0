package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Not an open relay: a client outside {@code authorizedAddresses} cannot relay. James here listens
 * on 127.0.0.1 as always, but this test's copy of jvm.properties authorises only 10.0.0.0/8 and
 * 192.168.0.0/16 ({@code t2t.smtp.authorizedAddresses}, as the container's T2T_RELAY_NETWORKS sets
 * it), so the test's own connection is an unauthorised one.
 */
class RelayDeniedIT {

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .editConf("smtpserver.xml", xml -> {
            assertThat(xml).contains("<authorizedAddresses>${sys:t2t.smtp.authorizedAddresses}</authorizedAddresses>");
            return xml;
        })
        .editConf("jvm.properties", properties -> properties + "\nt2t.smtp.authorizedAddresses=10.0.0.0/8, 192.168.0.0/16\n")
        .build();

    @ParameterizedTest
    @ValueSource(strings = {"ext@external.example", "alice@target.example", "alice@source.example"})
    void refusesRecipientsFromAnUnauthorisedClient(String recipient) throws Exception {
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            assertThat(client.command("MAIL FROM:<someone@external.example>").isPositive()).isTrue();

            SmtpClient.Reply reply = client.command("RCPT TO:<" + recipient + ">");

            // What james-conf/smtpserver.xml promises.
            assertThat(reply.code()).as("reply %s", reply).isEqualTo(550);
        }
    }

    /**
     * The relay's one local domain, {@code localhost}, in every form a client can write it
     * (issue 13: these were accepted from anyone and stored in {@code kept/local}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"postmaster@localhost", "postmaster", "root@localhost", "ext%external.example@localhost",
        "\"ext@external.example\"@localhost", "POSTMASTER@LOCALHOST", "@localhost:ext@external.example"})
    void refusesLocalAddressesFromAnUnauthorisedClientAndStoresNothing(String recipient) throws Exception {
        try (SmtpClient client = SmtpClient.connect(RELAY.smtpPort())) {
            assertThat(client.command("MAIL FROM:<someone@external.example>").isPositive()).isTrue();

            SmtpClient.Reply reply = client.command("RCPT TO:<" + recipient + ">");

            // 553 5.1.3: James refuses the source-route form as syntax before any hook sees it.
            assertThat(reply.code()).as("reply %s", reply).isIn(550, 553);
            assertThat(reply.text()).containsAnyOf("5.1.1", "5.1.3");
            assertThat(client.command("DATA").code()).as("DATA without an accepted recipient").isBetween(500, 599);
        }
        assertThat(RELAY.webAdmin().kept("local")).isEmpty();
        assertThat(RELAY.webAdmin().kept("relay-denied")).isEmpty();
    }
}
