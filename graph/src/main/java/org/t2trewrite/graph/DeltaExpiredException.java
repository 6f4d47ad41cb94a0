package org.t2trewrite.graph;

/**
 * Graph no longer accepts a delta link ({@code 410 Gone}, or a {@code resyncRequired}/{@code syncStateNotFound}
 * error): the only way forward is a full resync of that tenant.
 */
final class DeltaExpiredException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeltaExpiredException(String message, Throwable cause) {
        super(message, cause);
    }
}
