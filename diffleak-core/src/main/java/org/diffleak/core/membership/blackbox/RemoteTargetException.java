package org.diffleak.core.membership.blackbox;

import java.net.URI;

/**
 * A call to a remote black-box service failed: the server refused it (4xx, with the server's message),
 * kept failing (5xx or no connection, after retries), or did not answer in time. The message is one line
 * that names the method and URL.
 */
public class RemoteTargetException extends RuntimeException {

    private final URI uri;
    private final int status;

    public RemoteTargetException(String message, URI uri, int status, Throwable cause) {
        super(message, cause);
        this.uri = uri;
        this.status = status;
    }

    /** The endpoint that failed. */
    public URI uri() {
        return uri;
    }

    /** The HTTP status of the last answer, or 0 when none came (connection error, timeout). */
    public int status() {
        return status;
    }
}
