package io.agentforge.starter;

import java.net.URI;
import org.springframework.http.HttpStatus;

/** An inbound token or key was not accepted; the message is the problem's detail and never holds the credential. */
public final class TokenRefusedException extends RuntimeException {

    private final HttpStatus status;
    private final URI type;

    TokenRefusedException(HttpStatus status, URI type, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
    }

    static TokenRefusedException unauthorized(String detail) {
        return new TokenRefusedException(HttpStatus.UNAUTHORIZED, ForgeProblems.UNAUTHORIZED, detail);
    }

    /** 401 (or 403) for a credential that is not accepted, 503 when it could not be checked right now. */
    public HttpStatus status() {
        return status;
    }

    /** The problem type ({@code urn:agentforge:problem:unauthorized}, {@code …:unavailable}, …). */
    public URI type() {
        return type;
    }
}
