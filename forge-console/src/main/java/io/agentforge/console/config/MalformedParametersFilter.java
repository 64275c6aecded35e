package io.agentforge.console.config;

import io.agentforge.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Tomcat parses the query string and form bodies lazily and fails with an exception on a broken %-escape or too many
 * parameters; left to the first filter that reads a parameter (the CSRF check), that would become a 500. Parsing
 * them here first turns it into a 400.
 */
class MalformedParametersFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            request.getParameterMap();
        } catch (InvalidParameterException e) {
            ProblemWriter.write(
                    response,
                    HttpServletResponse.SC_BAD_REQUEST,
                    "malformed-request",
                    "Bad Request",
                    "The query string or form can't be read: check its %-escapes and the number of fields");
            return;
        }
        chain.doFilter(request, response);
    }
}
