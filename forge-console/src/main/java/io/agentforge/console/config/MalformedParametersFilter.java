package io.agentforge.console.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

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
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write("{\"type\":\"urn:agentforge:problem:malformed-request\",\"title\":\"Bad"
                    + " Request\",\"status\":400,\"detail\":\"The query string or form can't be read: check its"
                    + " %-escapes and the number of fields\"}");
            return;
        }
        chain.doFilter(request, response);
    }
}
