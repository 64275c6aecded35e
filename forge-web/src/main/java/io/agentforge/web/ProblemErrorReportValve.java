package io.agentforge.web;

import io.agentforge.registry.api.ProblemTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Tomcat answers some requests itself before any servlet runs (a URL with a broken escape, say). Its default page is
 * HTML; this valve writes the same RFC 9457 problem the application would.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String kind = status >= 500 ? "internal" : status == 404 ? "not-found" : "malformed-request";
        String detail = status >= 500
                ? "An unexpected error occurred"
                : "The request was refused by the server: it is"
                        + " not a valid HTTP request (check the URL encoding and headers)";
        HttpStatus known = HttpStatus.resolve(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        String body = "{\"type\":\"" + ProblemTypes.PREFIX + kind + "\",\"title\":\"" + title + "\",\"status\":"
                + status + ",\"detail\":\"" + detail + "\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            response.finishResponse();
        } catch (IOException | IllegalStateException ignored) {
            // The client is gone; nothing to tell it.
        }
    }
}
