package io.agentforge.web;

import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

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
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            response.getOutputStream().write(ContainerProblems.body(status));
            response.finishResponse();
        } catch (IOException | IllegalStateException ignored) {
            // The client is gone; nothing to tell it.
        }
    }
}
