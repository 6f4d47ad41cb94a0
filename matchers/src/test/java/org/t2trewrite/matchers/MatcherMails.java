package org.t2trewrite.matchers;

import java.nio.charset.StandardCharsets;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.apache.mailet.base.test.FakeMail;

final class MatcherMails {
    private MatcherMails() {
    }

    static FakeMail mail(String sender, String message, String... recipients) throws Exception {
        MimeMessage mimeMessage = new MimeMessage(Session.getDefaultInstance(System.getProperties()),
            new SharedByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
        FakeMail.Builder builder = FakeMail.builder().name("m").mimeMessage(mimeMessage).recipients(recipients);
        if (sender != null) {
            builder.sender(sender);
        }
        return builder.build();
    }
}
