package io.agentforge.client;

import io.agentforge.registry.api.ProblemTypes;
import io.agentforge.registry.api.Texts;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An RFC 9457 problem detail received from the registry or a tool (or made up by the client when no usable answer
 * came).
 *
 * @param status HTTP status of the answer; 0 when no HTTP answer was received
 * @param type   stable error kind, e.g. {@code urn:agentforge:problem:not-found}; {@code about:blank} when unknown
 */
public record Problem(int status, URI type, String title, String detail) {

    public static final URI ABOUT_BLANK = URI.create("about:blank");
    /** Client-side kind: the registry or tool could not be reached. */
    public static final URI UNREACHABLE = ProblemTypes.of("unreachable");
    /** Client-side kind: an answer came but could not be read. */
    public static final URI INVALID_RESPONSE = ProblemTypes.of("invalid-response");
    /** Client-side kind: a tool answered more than the invoker reads. */
    public static final URI RESPONSE_TOO_LARGE = ProblemTypes.of("response-too-large");

    private static final int MAX_TEXT = 500;

    /**
     * Absent {@code type}: {@link #ABOUT_BLANK}; absent or blank {@code title}: one made from the status; absent
     * {@code detail}: empty.
     */
    public Problem(int status, @Nullable URI type, @Nullable String title, @Nullable String detail) {
        type = type == null ? ABOUT_BLANK : type;
        title = title == null || title.isBlank() ? (status == 0 ? "No response" : "HTTP " + status) : title;
        detail = detail == null ? "" : detail;
        this.status = status;
        this.type = type;
        this.title = title;
        this.detail = detail;
    }

    /** Whether this is the Agent Forge problem {@code urn:agentforge:problem:<kind>}. */
    public boolean is(String kind) {
        return type.toString().equals(ProblemTypes.PREFIX + kind);
    }

    /** Reads a problem from an error answer; a body that is not a problem document becomes its detail. */
    static Problem fromResponse(int status, @Nullable String contentType, byte @Nullable [] body, JsonMapper mapper) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json") && !text.isBlank()) {
            try {
                JsonNode node = mapper.readTree(text);
                if (node != null && node.isObject()) {
                    return new Problem(
                            status,
                            uri(node.path("type").asString(null)),
                            abbreviate(node.path("title").asString(null)),
                            abbreviate(node.path("detail").asString(null)));
                }
            } catch (RuntimeException e) {
                // Not JSON after all: keep the text as the detail.
            }
        }
        return new Problem(status, ABOUT_BLANK, "HTTP " + status, abbreviate(text.strip()));
    }

    private static URI uri(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return ABOUT_BLANK;
        }
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            return ABOUT_BLANK;
        }
    }

    static @Nullable String abbreviate(@Nullable String text) {
        return Texts.abbreviate(text, MAX_TEXT);
    }

    @Override
    public String toString() {
        return (status == 0 ? "" : "HTTP " + status + " ") + type + " " + title
                + (detail.isEmpty() ? "" : ": " + detail);
    }
}
