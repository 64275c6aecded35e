package io.agentforge.web;

import io.agentforge.registry.api.ProblemTypes;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps request bodies: by {@code Content-Length} up front (a 413 problem, nothing read), and while reading for chunked
 * bodies, which then fail with {@link PayloadTooLargeException} for the application's exception handling to answer.
 */
public class BodyLimitFilter extends OncePerRequestFilter {

    private final long limit;

    public BodyLimitFilter(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive");
        }
        this.limit = limit;
    }

    /** Largest refused body read and discarded before the answer; a larger one is answered unread. */
    static final long SWALLOW = 1024 * 1024;

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            if (declared <= SWALLOW) {
                // Read the refused body first: a server that answers and closes with it unread makes the client's
                // TCP stack reset the connection, and the client may lose the answer (Jetty does not swallow it the
                // way Tomcat's max-swallow-size did).
                request.getInputStream().skipNBytes(declared);
            }
            refuse(
                    request,
                    response,
                    "The request body of " + declared + " bytes exceeds the limit of " + limit + " bytes");
            return;
        }
        chain.doFilter(new LimitedRequest(request, limit), response);
    }

    /** Answers a request whose declared body is too large: a 413 problem; override for endpoints of another format. */
    protected void refuse(HttpServletRequest request, HttpServletResponse response, String detail) throws IOException {
        ProblemWriter.write(
                response,
                ProblemWriter.problem(
                        HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE, "Payload too large", detail));
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {

        private final long limit;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class LimitedStream extends ServletInputStream {

        private final ServletInputStream delegate;
        private final long limit;
        private long read;

        LimitedStream(ServletInputStream delegate, long limit) {
            this.delegate = delegate;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = delegate.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws PayloadTooLargeException {
            read += n;
            if (read > limit) {
                throw new PayloadTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return delegate.isFinished();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            delegate.setReadListener(listener);
        }
    }
}
