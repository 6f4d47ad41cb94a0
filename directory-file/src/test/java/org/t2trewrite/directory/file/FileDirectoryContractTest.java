package org.t2trewrite.directory.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.t2trewrite.core.directory.DirectoryFixture;
import org.t2trewrite.core.directory.MonitoredDirectory;
import org.t2trewrite.core.directory.MonitoredDirectoryContract;

/**
 * Runs the directory contract against {@link FileDirectory}.
 *
 * <p>The unavailable case: a file directory is never "not loaded yet", because
 * {@link FileDirectory#start} throws instead of returning one without a good file. Its only
 * state without an answer is after {@link FileDirectory#close()}, when it no longer follows the
 * file; that is the directory this test hands to the contract.
 */
class FileDirectoryContractTest implements MonitoredDirectoryContract {
    @TempDir
    Path folder;

    private final List<FileDirectory> started = new ArrayList<>();
    private int files;

    @AfterEach
    void closeDirectories() {
        started.forEach(FileDirectory::close);
    }

    @Override
    public MonitoredDirectory directoryWith(DirectoryFixture fixture) throws Exception {
        Path file = folder.resolve("directory-" + files++ + ".json");
        DirectoryFiles.writeInPlace(file, DirectoryFiles.json(fixture));
        FileDirectory directory = FileDirectory.start(file, Duration.ofMillis(50));
        started.add(directory);
        return directory;
    }

    @Override
    public MonitoredDirectory unavailableDirectory() throws Exception {
        FileDirectory directory = (FileDirectory) directoryWith(DirectoryFixture.standard());
        directory.close();
        return directory;
    }
}
