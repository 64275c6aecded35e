package io.agentforge.web;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty answers some requests itself before any servlet runs (a URL with a broken escape, a header too large). Its
 * default page is HTML; this handler writes the same RFC 9457 problem the application would, as
 * {@link ProblemErrorReportValve} does on Tomcat.
 */
public class ProblemJettyErrorHandler extends ErrorHandler {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ERROR_EXCEPTION) instanceof HttpException http
                ? http.getCode()
                : response.getStatus();
        if (!errorPageForMethod(request.getMethod()) || HttpStatus.hasNoBody(status)) {
            callback.succeeded();
            return true;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
        response.getHeaders().put(ERROR_CACHE_CONTROL);
        response.write(true, ByteBuffer.wrap(ContainerProblems.body(status)), callback);
        return true;
    }

    /** What Jetty sends for a request it could not parse, before any handler saw it. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
        return ByteBuffer.wrap(ContainerProblems.body(status));
    }
}
