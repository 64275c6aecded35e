package io.agentforge.starter;

import java.io.Serial;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;

/**
 * Thrown by a {@code @Tool} method to refuse a call with a precise problem detail: a 4xx status, a stable
 * {@code urn:agentforge:problem:<kind>} type, a title, the message as detail, and extension members such as a
 * {@code position}. Any other exception from a tool becomes a 422 {@link ForgeProblems#TOOL_ERROR}.
 */
public class ToolProblemException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern MEMBER = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,63}");
    private static final Set<String> STANDARD_MEMBERS = Set.of("type", "title", "status", "detail", "instance");

    private final HttpStatus status;
    private final URI type;
    private final String title;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    /**
     * @param status a client error (4xx): tool-domain refusals are never server errors
     * @param kind   lower-case kebab-case kind, e.g. {@code calculation-division-by-zero}
     * @param title  short, stable summary of the kind
     * @param detail what went wrong with this call, safe to show to the caller
     */
    public ToolProblemException(HttpStatus status, String kind, String title, String detail) {
        this(status, kind, title, detail, null);
    }

    public ToolProblemException(HttpStatus status, String kind, String title, String detail, Throwable cause) {
        super(Objects.requireNonNull(detail, "detail"), cause);
        if (!Objects.requireNonNull(status, "status").is4xxClientError()) {
            throw new IllegalArgumentException("status must be a 4xx client error, got " + status.value());
        }
        if (kind == null || !KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("kind must match " + KIND.pattern() + ", got '" + kind + "'");
        }
        this.status = status;
        this.type = ForgeProblems.type(kind);
        this.title = Objects.requireNonNull(title, "title");
    }

    /**
     * Adds an extension member to the problem, e.g. {@code with("position", 4)}.
     *
     * @param value a JSON-compatible value (string, number, boolean, list, map); null values are left out
     */
    public ToolProblemException with(String name, Object value) {
        if (name == null || !MEMBER.matcher(name).matches() || STANDARD_MEMBERS.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a usable problem member name");
        }
        if (value != null) {
            properties.put(name, value);
        }
        return this;
    }

    public HttpStatus status() {
        return status;
    }

    public URI type() {
        return type;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> properties() {
        return Collections.unmodifiableMap(properties);
    }
}
