package org.diffleak.core.membership.blackbox;

import java.net.URI;

/** The service's query budget cannot cover a request (HTTP 429); images processed before it still count. */
public final class QueryBudgetExceededException extends RemoteTargetException {

    public QueryBudgetExceededException(String message, URI uri) {
        super(message, uri, 429, null);
    }
}
