package org.t2trewrite.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An invalid directory file at start-up stops James with an error naming the file, rather than
 * relaying mail with a directory that says nobody is eligible.
 */
class InvalidDirectoryIT {

    @RegisterExtension
    static final JamesRelay RELAY = JamesRelay.builder()
        .directory("/invalid-directory.json")
        .expectingStartFailure()
        .build();

    @Test
    void refusesToStartWithAnInvalidDirectoryFile() throws Exception {
        OptionalInt exit = RELAY.awaitExit(Duration.ofMinutes(3));

        assertThat(exit).as("James must exit; log tail:%n%s", RELAY.logTail()).isPresent();
        assertThat(exit.getAsInt()).isNotZero();
        // The typo is on line 6 of the file ("goups").
        assertThat(RELAY.log()).contains(RELAY.directoryFile().getFileName().toString()).contains("goups");
    }
}
