package io.agentforge.registry.web;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** A request the registry refuses, carried to the client as a problem detail. */
public class ApiException extends ErrorResponseException {

    public ApiException(HttpStatus status, URI type, String title, String detail) {
        super(status, Problems.of(status, type, title, detail), null);
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", what);
    }

    public static ApiException invalid(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, Problems.VALIDATION, "Invalid request", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden", detail);
    }
}
