package org.t2trewrite.dkim;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import com.google.common.collect.ImmutableList;

/**
 * The key folders that the {@link DkimSignRewritten} mailets of this James have opened, each with
 * what its mailet does with a mail whose domain has no key: so that a health check reads the very
 * {@link KeyFolder} a mailet signs with, configured once by the mailet's {@code keyFolder}
 * parameter. One instance per James, provided by our Guice module to the mailets and to the check.
 *
 * <p>Does not open, read or watch anything itself; a folder is listed from the end of its
 * mailet's {@code init()} until James stops. Thread safe.
 */
public final class KeyFolders {
    private final List<InUse> inUse = new CopyOnWriteArrayList<>();

    /** A folder one mailet signs with. */
    public static final class InUse {
        private final String mailetName;
        private final KeyFolder folder;
        private final Optional<String> missingKeyProcessor;

        private InUse(String mailetName, KeyFolder folder, Optional<String> missingKeyProcessor) {
            this.mailetName = Objects.requireNonNull(mailetName, "mailetName");
            this.folder = Objects.requireNonNull(folder, "folder");
            this.missingKeyProcessor = Objects.requireNonNull(missingKeyProcessor, "missingKeyProcessor");
        }

        public String mailetName() {
            return mailetName;
        }

        public KeyFolder folder() {
            return folder;
        }

        /** Where its mailet sends a mail whose domain has no key; empty when it sends it unsigned. */
        public Optional<String> missingKeyProcessor() {
            return missingKeyProcessor;
        }
    }

    /**
     * Lists a folder a mailet signs with.
     *
     * @param missingKeyProcessor where that mailet sends a mail whose domain has no key; empty
     *        when it sends it unsigned ({@code onMissingKey=send-unsigned})
     */
    public void add(String mailetName, KeyFolder folder, Optional<String> missingKeyProcessor) {
        inUse.add(new InUse(mailetName, folder, missingKeyProcessor));
    }

    public List<InUse> inUse() {
        return ImmutableList.copyOf(inUse);
    }
}
