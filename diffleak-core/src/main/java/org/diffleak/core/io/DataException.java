package org.diffleak.core.io;

/** Bad or missing input data. The message is one line that names the file and what is wrong. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
