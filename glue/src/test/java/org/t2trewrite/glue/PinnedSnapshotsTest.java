package org.t2trewrite.glue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.t2trewrite.core.Fixtures;
import org.t2trewrite.core.Tenant;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;

class PinnedSnapshotsTest {
    private final AtomicReference<DirectorySnapshot> current = new AtomicReference<>(snapshot(0));
    private final PinnedSnapshots snapshots = new PinnedSnapshots(current::get);

    private static DirectorySnapshot snapshot(int n) {
        return DirectorySnapshot.of(Fixtures.TENANTS, List.of(Fixtures.person("p" + n, Tenant.SOURCE)), Instant.ofEpochSecond(n));
    }

    private static Mail mail(String name) throws MessagingException {
        return MailImpl.builder().name(name).addRecipient(new MailAddress("r@external.example")).build();
    }

    @Test
    void pinsTheFirstSnapshotForTheRestOfTheMailsTrip() throws Exception {
        Mail mail = mail("m1");
        DirectorySnapshot first = snapshots.forMail(mail);

        current.set(snapshot(1));

        assertThat(snapshots.forMail(mail)).isSameAs(first);
        assertThat(mail.getAttribute(RewriteAttributes.SNAPSHOT_VERSION)).isPresent();
    }

    @Test
    void aMailKeepsItsSnapshotAfterOtherMailPinnedNewerOnes() throws Exception {
        Mail mail = mail("m1");
        DirectorySnapshot first = snapshots.forMail(mail);
        for (int n = 1; n <= PinnedSnapshots.HELD; n++) {
            current.set(snapshot(n));
            snapshots.forMail(mail("other" + n));
        }

        assertThat(snapshots.forMail(mail)).isSameAs(first);
    }

    @Test
    void aNewMailPinsTheCurrentSnapshot() throws Exception {
        snapshots.forMail(mail("m1"));
        DirectorySnapshot next = snapshot(1);
        current.set(next);

        assertThat(snapshots.forMail(mail("m2"))).isSameAs(next);
    }

    @Test
    void aCopyJamesSplitsOffKeepsThePin() throws Exception {
        Mail mail = mail("m1");
        DirectorySnapshot first = snapshots.forMail(mail);
        current.set(snapshot(1));

        Mail copy = MailImpl.duplicate(mail);

        assertThat(snapshots.forMail(copy)).isSameAs(first);
    }

    @Test
    void aPinNoLongerHeldIsReplacedByTheCurrentSnapshot() throws Exception {
        Mail mail = mail("m1");
        snapshots.forMail(mail);
        for (int n = 1; n <= PinnedSnapshots.HELD + 1; n++) {
            current.set(snapshot(n));
            snapshots.forMail(mail("other" + n));
        }
        DirectorySnapshot latest = current.get();

        assertThat(snapshots.forMail(mail)).isSameAs(latest);
        assertThat(snapshots.forMail(mail)).isSameAs(latest);
    }

    @Test
    void anUnavailableDirectoryIsAMessagingExceptionNamingTheMail() {
        PinnedSnapshots unavailable = new PinnedSnapshots(() -> {
            throw new DirectoryUnavailableException("no snapshot yet");
        });

        assertThatThrownBy(() -> unavailable.forMail(mail("m9")))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("m9")
            .hasMessageContaining("no snapshot yet");
    }
}
