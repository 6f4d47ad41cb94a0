package org.t2trewrite.core.directory;

/**
 * The directory cannot answer now (no snapshot loaded yet, Graph unreachable before the first
 * sync, ...). Never to be read as "not a member": callers defer or keep the mail.
 */
public class DirectoryUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public DirectoryUnavailableException(String message) {
        super(message);
    }

    public DirectoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
