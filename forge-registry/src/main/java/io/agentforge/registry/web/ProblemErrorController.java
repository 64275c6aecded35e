package io.agentforge.registry.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised outside Spring MVC (by the servlet container or a filter) end up here: answer them as problem
 * details too, never as an HTML page.
 */
@RestController
class ProblemErrorController implements ErrorController {

    // Without a status the path was asked for directly: there is nothing at /error.
    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure
                && DatabaseFailures.unreachable(failure)) {
            // A filter (key lookup, token exchange) needed the database while it can't be reached.
            return Problems.databaseUnavailableAnswer();
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null
                ? HttpStatus.valueOf(value)
                : HttpStatus.NOT_FOUND;
        String detail = status.is5xxServerError()
                ? "An unexpected error occurred; it has been logged"
                : "The request was refused: " + status.getReasonPhrase();
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(status, Problems.forStatus(status), status.getReasonPhrase(), detail));
    }
}
