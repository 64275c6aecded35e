package io.agentforge.agent.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/** Caps request bodies: by Content-Length at once, and while reading for chunked bodies. */
public class BodyLimitFilter extends OncePerRequestFilter {

    private final long limit;

    public BodyLimitFilter(long limit) {
        this.limit = limit;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > limit) {
            response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"type\":\"" + Problems.PREFIX + "payload-too-large\",\"title\":\"Content Too"
                    + " Large\",\"status\":413,\"detail\":\"The request body exceeds the limit of " + limit
                    + " bytes\"}");
            return;
        }
        chain.doFilter(new HttpServletRequestWrapper(request) {
            private ServletInputStream stream;

            @Override
            public ServletInputStream getInputStream() throws IOException {
                if (stream == null) {
                    stream = new Limited(super.getInputStream());
                }
                return stream;
            }
        }, response);
    }

    private final class Limited extends ServletInputStream {

        private final ServletInputStream delegate;
        private long read;

        Limited(ServletInputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public int read() throws IOException {
            int b = delegate.read();
            return b < 0 ? b : counted(b, 1);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = delegate.read(buffer, offset, length);
            return n <= 0 ? n : counted(n, n);
        }

        private int counted(int value, int bytes) throws PayloadTooLargeException {
            read += bytes;
            if (read > limit) {
                throw new PayloadTooLargeException(limit);
            }
            return value;
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
