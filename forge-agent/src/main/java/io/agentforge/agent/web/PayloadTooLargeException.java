package io.agentforge.agent.web;

import java.io.IOException;

/** Thrown while reading a request body beyond the limit. */
class PayloadTooLargeException extends IOException {

    PayloadTooLargeException(long limit) {
        super("The request body exceeds the limit of " + limit + " bytes");
    }
}
