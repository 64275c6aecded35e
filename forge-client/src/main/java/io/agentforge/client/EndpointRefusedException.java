package io.agentforge.client;

import java.net.URI;

/** The {@link OutboundPolicy} refused an endpoint; the message says which address and why, never a credential. */
public final class EndpointRefusedException extends RuntimeException {

    private final transient URI endpoint;

    public EndpointRefusedException(URI endpoint, String reason) {
        super("Refused to call " + endpoint + ": " + reason);
        this.endpoint = endpoint;
    }

    public URI endpoint() {
        return endpoint;
    }
}
