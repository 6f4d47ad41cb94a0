package org.t2trewrite.graph;

/**
 * Entra ID refused or could not issue a token (wrong tenant, client id, secret or certificate; token
 * endpoint unreachable). The message carries Entra's error code and description, never the credential.
 */
public class GraphAuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GraphAuthenticationException(String message) {
        super(message);
    }

    public GraphAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
