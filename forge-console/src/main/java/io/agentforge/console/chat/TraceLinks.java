package io.agentforge.console.chat;

import io.agentforge.console.config.ConsoleProperties;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Links an answer to its trace through {@code agentforge.console.trace-url-template}: only when a template is set and
 * the current trace is sampled (an unsampled trace exists nowhere to link to).
 */
@Component
public class TraceLinks {

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

    private final String template;
    private final Tracer tracer;

    public TraceLinks(ConsoleProperties properties, ObjectProvider<Tracer> tracer) {
        this.template = properties.console().traceUrlTemplate();
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
    }

    /** The link to the current trace, if there is one to show. */
    Optional<String> current() {
        if (template == null) {
            return Optional.empty();
        }
        Span span = tracer.currentSpan();
        if (span == null || !Boolean.TRUE.equals(span.context().sampled())) {
            return Optional.empty();
        }
        String traceId = span.context().traceId();
        return TRACE_ID.matcher(traceId).matches()
                ? Optional.of(template.replace("{traceId}", traceId))
                : Optional.empty();
    }
}
