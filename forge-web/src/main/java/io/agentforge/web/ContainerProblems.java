package io.agentforge.web;

import io.agentforge.registry.api.ProblemTypes;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;

/** The problem a servlet container writes for a request it refuses before any servlet runs, whichever container. */
final class ContainerProblems {

    private ContainerProblems() {}

    static byte[] body(int status) {
        String kind = status >= 500 ? "internal" : status == 404 ? "not-found" : "malformed-request";
        String detail = status >= 500
                ? "An unexpected error occurred"
                : "The request was refused by the server: it is"
                        + " not a valid HTTP request (check the URL encoding and headers)";
        HttpStatus known = HttpStatus.resolve(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        return ("{\"type\":\"" + ProblemTypes.PREFIX + kind + "\",\"title\":\"" + title + "\",\"status\":" + status
                        + ",\"detail\":\"" + detail + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
