package org.t2trewrite.directory.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.t2trewrite.core.directory.DirectorySnapshot;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the directory file reader with arbitrary bytes (README "Fuzzing"). Under
 * {@code mvn test} it replays the inputs in
 * {@code src/test/resources/org/t2trewrite/directory/file/DirectoryFileFuzzTestInputs/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}.
 *
 * <p>What must hold for every input: the reader returns a snapshot, or throws
 * {@link InvalidDirectoryFileException} naming the file and a line and column inside it, with
 * a problem to read; never another exception. A hang would be reported by Jazzer's per-input
 * timeout.
 */
class DirectoryFileFuzzTest {
    private static final Instant AS_OF = Instant.parse("2024-05-01T10:00:00Z");

    @FuzzTest(maxDuration = "5s")
    void arbitraryBytesGiveASnapshotOrAnErrorWithALocation(byte[] input) {
        DirectorySnapshot snapshot;
        try {
            snapshot = DirectoryFile.parse("directory.json", input, AS_OF);
        } catch (InvalidDirectoryFileException e) {
            assertThat(e.file()).isEqualTo("directory.json");
            assertThat(e.problem()).isNotBlank();
            assertThat(e.line()).isBetween(1, lines(input));
            assertThat(e.column()).isPositive();
            assertThat(e.getMessage()).isEqualTo("directory.json:" + e.line() + ":" + e.column() + ": " + e.problem());
            return;
        }
        assertThat(snapshot.asOf()).isEqualTo(AS_OF);
    }

    /** The number of lines an editor shows (and Jackson counts): CRLF, LF and CR each end one. */
    private static int lines(byte[] input) {
        int lines = 1;
        for (int i = 0; i < input.length; i++) {
            if (input[i] == '\n' || (input[i] == '\r' && (i + 1 == input.length || input[i + 1] != '\n'))) {
                lines++;
            }
        }
        return lines;
    }
}
