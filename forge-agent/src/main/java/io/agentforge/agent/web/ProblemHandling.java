package io.agentforge.agent.web;

import io.agentforge.registry.api.ProblemTypes;
import io.agentforge.web.PayloadTooLargeException;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;

/** Every failure as an RFC 9457 problem; only bugs become a 500. */
@RestControllerAdvice
class ProblemHandling extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandling.class);

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException ex) {
        return ResponseEntity.status(ex.status())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(ex.status(), ex.kind(), ex.status().getReasonPhrase(), ex.getMessage()));
    }

    @ExceptionHandler(RateLimitedException.class)
    ResponseEntity<ProblemDetail> rateLimited(RateLimitedException ex) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfterSeconds()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests", ex.getMessage()));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        JacksonException jackson = find(ex, JacksonException.class);
        PayloadTooLargeException tooLarge = find(ex, PayloadTooLargeException.class);
        if (tooLarge != null) {
            return problem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", tooLarge.getMessage());
        }
        if (jackson == null) {
            return problem(HttpStatus.BAD_REQUEST, "malformed-request", "The request body is missing or unreadable");
        }
        String path = jackson.getPathReference() == null
                ? ""
                : jackson.getPath().stream()
                        .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                        .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
                        .orElse("");
        String message = jackson.getOriginalMessage() == null
                ? "unreadable"
                : jackson.getOriginalMessage().lines().findFirst().orElse("unreadable");
        return problem(
                HttpStatus.BAD_REQUEST,
                "malformed-request",
                (jackson instanceof StreamReadException ? "Malformed JSON" : "Wrong JSON value")
                        + (path.isEmpty() ? "" : " at '" + path + "'") + ": "
                        + (message.length() > 300 ? message.substring(0, 297) + "..." : message));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex, HttpServletResponse response) {
        // An event stream already under way can't become a problem document any more.
        if (response.isCommitted()) {
            log.warn("A response already under way failed: {}", ex.toString());
            return null;
        }
        log.error("Unhandled error", ex);
        return problem(
                HttpStatus.INTERNAL_SERVER_ERROR, "internal", "An unexpected error occurred; it has been logged");
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null
                && response.getBody() instanceof ProblemDetail problem
                && (problem.getType() == null
                        || "about:blank".equals(problem.getType().toString()))) {
            problem.setType(ProblemTypes.forStatus(statusCode.value()));
        }
        return response;
    }

    private static ResponseEntity<Object> problem(HttpStatus status, String kind, String detail) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(status, kind, status.getReasonPhrase(), detail));
    }

    private static <T extends Throwable> T find(Throwable ex, Class<T> type) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
