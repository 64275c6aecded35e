package io.agentforge.registry.web;

import java.io.IOException;

/** Thrown while reading a request body that exceeds the configured limit. */
class PayloadTooLargeException extends IOException {

    PayloadTooLargeException(long limit) {
        super("The request body exceeds the limit of " + limit + " bytes");
    }
}
