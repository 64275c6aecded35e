package io.agentforge.web;

import java.io.IOException;

/** Thrown while reading a request body beyond the limit of a {@link BodyLimitFilter}. */
public class PayloadTooLargeException extends IOException {

    private final long limit;

    public PayloadTooLargeException(long limit) {
        super("The request body exceeds the limit of " + limit + " bytes");
        this.limit = limit;
    }

    /** The limit in bytes. */
    public long limit() {
        return limit;
    }
}
