package io.agentforge.agent.llm;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries the caller's context (the model turn's observation, hence its span) to model requests the OpenAI SDK sends
 * from a thread of its own.
 *
 * <p>Why: the SDK's async client, which Spring AI streams through, hands every request to the common
 * {@code ForkJoinPool} ({@code thenComposeAsync}), where no observation is current: the request's span and the
 * {@code traceparent} the model endpoint receives would start a trace of their own. The turn registers its context
 * under a key that travels with the request as the header {@link #HEADER}; {@link JdkModelHttpClient} restores that
 * context to start the request's observation and never sends the header.
 */
public final class ModelCallContexts {

    /** Internal request header naming a registered context; removed before the request leaves the agent. */
    public static final String HEADER = "X-Agentforge-Call-Context";

    private static final ContextSnapshotFactory SNAPSHOTS =
            ContextSnapshotFactory.builder().build();
    private static final Map<String, ContextSnapshot> CONTEXTS = new ConcurrentHashMap<>();

    private ModelCallContexts() {}

    /** Registers the current thread's context until {@link Registration#close()}; its key goes in {@link #HEADER}. */
    public static Registration register() {
        String key = UUID.randomUUID().toString();
        CONTEXTS.put(key, SNAPSHOTS.captureAll());
        return new Registration(key);
    }

    static Optional<ContextSnapshot> find(String key) {
        return key == null ? Optional.empty() : Optional.ofNullable(CONTEXTS.get(key));
    }

    /** A registered context; closing it forgets the context (retries of the request end before the turn does). */
    public record Registration(String key) implements AutoCloseable {
        @Override
        public void close() {
            CONTEXTS.remove(key);
        }
    }
}
