package io.agentforge.starter;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Tomcat answers some requests itself before any servlet runs (an encoded slash or a broken escape in the URL, an
 * invalid header). Its default page is HTML; this valve writes an RFC 9457 problem like the rest of the service.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        String kind = status >= 500 ? "internal" : status == 404 ? "not-found" : "malformed-request";
        String detail = status >= 500 ? "An unexpected error occurred" : "The request was refused by the server before"
                + " it reached the application: it is not a valid HTTP request (check the URL encoding and headers)";
        String body = "{\"type\":\"" + ForgeProblems.PREFIX + kind + "\",\"title\":\"" + title + "\",\"status\":"
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
