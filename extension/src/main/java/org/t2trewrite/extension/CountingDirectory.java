package org.t2trewrite.extension;

import org.apache.james.metrics.api.Metric;
import org.t2trewrite.core.directory.Directory;
import org.t2trewrite.core.directory.DirectorySnapshot;
import org.t2trewrite.core.directory.DirectoryUnavailableException;

/**
 * The directory as the mail path sees it, counting every time it cannot answer
 * ({@value #METRIC}): the first of our pieces that asks about a mail then throws and the mail goes
 * to {@code error} (kept), so the count is about one per mail and pass. Adds nothing else.
 */
final class CountingDirectory implements Directory {
    static final String METRIC = "t2t_mail_directory_unavailable";

    private final Directory directory;
    private final Metric unavailable;

    CountingDirectory(Directory directory, Metric unavailable) {
        this.directory = directory;
        this.unavailable = unavailable;
    }

    @Override
    public DirectorySnapshot snapshot() throws DirectoryUnavailableException {
        try {
            return directory.snapshot();
        } catch (DirectoryUnavailableException e) {
            unavailable.increment();
            throw e;
        }
    }
}
