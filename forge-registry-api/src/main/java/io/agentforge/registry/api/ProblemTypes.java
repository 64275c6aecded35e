package io.agentforge.registry.api;

import java.net.URI;

/**
 * The stable RFC 9457 problem {@code type} URIs every Agent Forge service answers with,
 * {@code urn:agentforge:problem:<kind>}; clients may switch on them.
 */
public final class ProblemTypes {

    public static final String PREFIX = "urn:agentforge:problem:";
    public static final URI VALIDATION = of("validation");
    public static final URI MALFORMED_REQUEST = of("malformed-request");
    public static final URI PAYLOAD_TOO_LARGE = of("payload-too-large");
    public static final URI NOT_FOUND = of("not-found");
    public static final URI UNAUTHORIZED = of("unauthorized");
    public static final URI FORBIDDEN = of("forbidden");
    public static final URI METHOD_NOT_ALLOWED = of("method-not-allowed");
    public static final URI UNSUPPORTED_MEDIA_TYPE = of("unsupported-media-type");
    public static final URI NOT_ACCEPTABLE = of("not-acceptable");
    public static final URI RATE_LIMITED = of("rate-limited");
    /** The service or something it depends on can't answer now; retry later. */
    public static final URI UNAVAILABLE = of("unavailable");

    public static final URI INTERNAL = of("internal");

    private ProblemTypes() {}

    /** {@code urn:agentforge:problem:<kind>}. */
    public static URI of(String kind) {
        return URI.create(PREFIX + kind);
    }

    /** The kind used for an HTTP status when no more specific one applies. */
    public static String kindFor(int status) {
        return switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 429 -> "rate-limited";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal" : "malformed-request";
        };
    }

    /** {@link #of(String) of}({@link #kindFor(int) kindFor}(status)). */
    public static URI forStatus(int status) {
        return of(kindFor(status));
    }
}
