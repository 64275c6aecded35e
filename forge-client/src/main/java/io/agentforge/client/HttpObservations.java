package io.agentforge.client;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.RequestReplySenderContext;
import java.net.http.HttpRequest;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Outbound JDK {@link java.net.http.HttpClient} requests as Micrometer observations: with a tracing handler in the
 * registry, each is a client span whose context goes out as W3C {@code traceparent} on the request; with a meter
 * handler, a timer. With {@link ObservationRegistry#NOOP} (no application registry) nothing happens.
 */
public final class HttpObservations {

    private HttpObservations() {}

    /** The request's context: the builder is the carrier the propagator writes the trace headers to. */
    public static final class Context extends RequestReplySenderContext<HttpRequest.Builder, Integer> {
        public Context(HttpRequest.Builder request, String remoteService) {
            super((carrier, key, value) -> carrier.setHeader(key, value), Kind.CLIENT);
            setCarrier(request);
            setRemoteServiceName(remoteService);
        }
    }

    /**
     * Starts an observation of a request about to be built from {@code request}: trace headers are written into it.
     * The caller stops it (with {@link Observation#error} first on failure).
     */
    public static Observation start(
            ObservationRegistry registry,
            String name,
            String contextualName,
            HttpRequest.Builder request,
            String remoteService,
            KeyValues lowCardinality) {
        Context context = new Context(request, remoteService);
        return Observation.createNotStarted(name, () -> context, registry)
                .contextualName(contextualName)
                .lowCardinalityKeyValues(lowCardinality)
                .start();
    }

    /**
     * A W3C {@code traceparent} that says "not sampled", for background calls nobody wants traced (lease renewals
     * every few seconds): the receiving service's parent-based sampler then records nothing for them.
     */
    static String unsampledTraceparent() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong();
        long low = random.nextLong() | 1; // never the invalid all-zero id
        long span = random.nextLong() | 1;
        return "00-%016x%016x-%016x-00".formatted(high, low, span);
    }
}
