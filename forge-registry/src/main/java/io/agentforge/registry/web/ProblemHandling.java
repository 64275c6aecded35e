package io.agentforge.registry.web;

import io.agentforge.registry.api.InvalidFieldException;
import io.agentforge.web.PayloadTooLargeException;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;

/** Turns every failure into an RFC 9457 problem with a stable type; only real bugs become a 500. */
@RestControllerAdvice
class ProblemHandling extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandling.class);

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        PayloadTooLargeException tooLarge = find(ex, PayloadTooLargeException.class);
        if (tooLarge != null) {
            return problem(
                    HttpStatus.CONTENT_TOO_LARGE,
                    Problems.PAYLOAD_TOO_LARGE,
                    "Payload too large",
                    tooLarge.getMessage());
        }
        InvalidFieldException invalid = find(ex, InvalidFieldException.class);
        JacksonException jackson = find(ex, JacksonException.class);
        String path = jackson == null ? "" : path(jackson);
        if (invalid != null) {
            String field = path.isEmpty() || path.endsWith(invalid.field()) ? "" : path + ": ";
            return problem(
                    HttpStatus.BAD_REQUEST, Problems.VALIDATION, "Invalid request", field + invalid.getMessage());
        }
        IllegalArgumentException illegal = find(ex, IllegalArgumentException.class);
        if (jackson != null && !(jackson instanceof StreamReadException) && illegal != null) {
            return problem(
                    HttpStatus.BAD_REQUEST,
                    Problems.VALIDATION,
                    "Invalid request",
                    (path.isEmpty() ? "" : path + ": ") + illegal.getMessage());
        }
        if (jackson != null) {
            String where = path.isEmpty() ? "" : " at '" + path + "'";
            String kind = jackson instanceof StreamReadException ? "Malformed JSON" : "Wrong JSON value";
            return problem(
                    HttpStatus.BAD_REQUEST,
                    Problems.MALFORMED_REQUEST,
                    "Malformed request",
                    kind + where + ": " + firstLine(jackson.getOriginalMessage()));
        }
        return problem(
                HttpStatus.BAD_REQUEST,
                Problems.MALFORMED_REQUEST,
                "Malformed request",
                "The request body is missing or unreadable");
    }

    @ExceptionHandler(InvalidFieldException.class)
    ResponseEntity<Object> invalidField(InvalidFieldException ex) {
        return problem(HttpStatus.BAD_REQUEST, Problems.VALIDATION, "Invalid request", ex.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException ex) {
        String value = String.valueOf(ex.getValue());
        return problem(
                HttpStatus.BAD_REQUEST,
                Problems.VALIDATION,
                "Invalid request",
                "Parameter '" + ex.getName() + "' has an invalid value '"
                        + (value.length() > 80 ? value.substring(0, 77) + "..." : value) + "'");
    }

    /**
     * Jetty parses the query string lazily, when a controller first asks for a parameter, and throws one of these for a
     * broken escape; they carry the 4xx status Jetty would have answered with itself.
     */
    @ExceptionHandler({HttpException.RuntimeException.class, HttpException.IllegalArgumentException.class})
    ResponseEntity<Object> unreadableRequest(Exception ex) {
        int code = ((HttpException) ex).getCode();
        HttpStatus known = HttpStatus.resolve(code);
        HttpStatus status = known != null && known.is4xxClientError() ? known : HttpStatus.BAD_REQUEST;
        String reason = ((HttpException) ex).getReason();
        return problem(
                status,
                Problems.MALFORMED_REQUEST,
                "Malformed request",
                reason != null && reason.contains("query")
                        ? "The query string can't be read: check its %-escapes"
                        : "The request can't be read: " + (reason == null ? status.getReasonPhrase() : reason));
    }

    /**
     * The database can't be reached (down, restarting, partitioned away, or every pooled connection busy past the
     * pool's timeout): the caller is told to retry rather than handed a 500. Any other data access failure is a bug.
     */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<Object> databaseFailure(RuntimeException ex, HttpServletResponse response) {
        if (!DatabaseFailures.unreachable(ex)) {
            return unexpected(ex, response);
        }
        log.warn(
                "Refusing a request while the database is unavailable: {}",
                NestedExceptionUtils.getMostSpecificCause(ex).toString());
        ResponseEntity<ProblemDetail> answer = Problems.databaseUnavailableAnswer();
        return ResponseEntity.status(answer.getStatusCode())
                .headers(answer.getHeaders())
                .body(answer.getBody());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex, HttpServletResponse response) {
        if (response.isCommitted()) {
            // An event stream can't carry a problem body once it has started (e.g. while shutting down).
            log.warn("A response already under way failed: {}", ex.toString());
            return null;
        }
        log.error("Unhandled error", ex);
        return problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                Problems.INTERNAL,
                "Internal error",
                "An unexpected error occurred; it has been logged");
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null
                && response.getBody() instanceof ProblemDetail problem
                && (problem.getType() == null
                        || "about:blank".equals(problem.getType().toString()))) {
            problem.setType(Problems.forStatus(statusCode));
        }
        return response;
    }

    private static ResponseEntity<Object> problem(HttpStatus status, URI type, String title, String detail) {
        return ResponseEntity.status(status).body(Problems.of(status, type, title, detail));
    }

    static String path(JacksonException ex) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : ex.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
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
