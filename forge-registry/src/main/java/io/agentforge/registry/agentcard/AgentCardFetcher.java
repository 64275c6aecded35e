package io.agentforge.registry.agentcard;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.catalog.AgentCards;
import io.agentforge.registry.catalog.AgentCards.Card;
import io.agentforge.registry.catalog.RegistryView;
import io.agentforge.registry.instance.EndpointPolicy;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.web.DatabaseFailures;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the A2A agent card of every registered agent from {@code <endpoint>/.well-known/agent-card.json} of its newest
 * UP instance: when the agent is first seen UP, on every (re-)registration or update of one of its instances (from the
 * change feed, so every replica and both stores notice), and again {@code refresh} after the previous read. Reads go
 * out as the health probes do: one shared asynchronous client, no redirects (a card never leaves the endpoint's host),
 * and the host resolved and checked against the endpoint policy before each read. A card that can't be read or is not
 * a JSON object with a name is recorded as an error; the agent stays registered and listed.
 */
@Component
public class AgentCardFetcher implements DisposableBean {

    /** Where an A2A agent serves its card, relative to its endpoint. */
    public static final String WELL_KNOWN_PATH = "/.well-known/agent-card.json";

    private static final Logger log = LoggerFactory.getLogger(AgentCardFetcher.class);
    private static final int EVENT_PAGE = 512;
    private static final int MAX_EVENT_PAGES = 20;
    private static final int MAX_ERROR = 300;

    private final RegistryView view;
    private final InstanceStore store;
    private final AgentCards cards;
    private final AgentCardProperties properties;
    private final EndpointPolicy endpointPolicy;
    private final Clock clock;
    private final JsonMapper mapper;
    private final ExecutorService executor = Executors.newFixedThreadPool(
            2, Thread.ofPlatform().daemon().name("agent-card-", 0).factory());
    private final HttpClient http;
    private final Semaphore inFlight;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> stale = ConcurrentHashMap.newKeySet();
    private long lastEvent = -1;

    AgentCardFetcher(
            RegistryView view,
            InstanceStore store,
            AgentCardProperties properties,
            EndpointPolicy endpointPolicy,
            Clock clock,
            JsonMapper mapper) {
        this.view = view;
        this.store = store;
        this.cards = view.agentCards();
        this.properties = properties;
        this.endpointPolicy = endpointPolicy;
        this.clock = clock;
        this.mapper = mapper;
        this.inFlight = new Semaphore(properties.maxInFlight());
        this.http = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(properties.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The card URL of an agent endpoint. */
    public static String cardUrl(String endpoint) {
        String base = endpoint;
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + WELL_KNOWN_PATH;
    }

    @Scheduled(fixedDelayString = "${agentforge.registry.agent-cards.tick:1s}")
    void scheduledTick() {
        if (!properties.enabled()) {
            return;
        }
        try {
            refreshDue();
        } catch (RuntimeException e) {
            if (!DatabaseFailures.unreachable(e)) {
                throw e;
            }
            log.warn("Agent cards not refreshed: the database is unreachable ({}); retrying", e.toString());
        }
    }

    /** Starts every card read that is due now; the future completes when they have all been recorded. */
    public synchronized CompletableFuture<Void> refreshDue() {
        markChangedAgents();
        RegistryView.Snapshot current = view.current();
        Instant now = clock.instant();
        Set<String> agents = new HashSet<>();
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (Map.Entry<String, List<Instance>> service : current.services().entrySet()) {
            List<Instance> instances = service.getValue();
            if (instances.isEmpty() || instances.getFirst().kind() != ServiceKind.AGENT) {
                continue;
            }
            String name = service.getKey();
            agents.add(name);
            Optional<Instance> newest = instances.stream()
                    .filter(i -> i.status() == InstanceStatus.UP)
                    .max(Comparator.comparing(Instance::registeredAt).thenComparing(Instance::instanceId));
            if (newest.isEmpty()) {
                continue; // the last card stays listed until an instance is UP to read it from
            }
            String url = cardUrl(newest.get().endpoint());
            String source = newest.get().instanceId() + " " + newest.get().endpoint();
            Card known = cards.card(name).orElse(null);
            boolean due = known == null
                    || !known.source().equals(source)
                    || stale.contains(name)
                    || !now.isBefore(known.fetchedAt().plus(properties.refresh()));
            if (!due || running.contains(name)) {
                continue;
            }
            if (!inFlight.tryAcquire()) {
                break;
            }
            running.add(name);
            stale.remove(name);
            started.add(fetch(name, url, source, known));
        }
        cards.retainOnly(agents);
        return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
    }

    // Re-registrations keep the instance id and endpoint: the change feed tells which agents to read again.
    private void markChangedAgents() {
        long last = store.lastEventId();
        if (lastEvent < 0 || store.oldestEventId() > lastEvent + 1) {
            // First tick (nothing read yet, all due anyway) or events pruned meanwhile: read every agent again.
            if (lastEvent >= 0) {
                markAllAgents();
            }
            lastEvent = last;
            return;
        }
        // Read until the end of the feed, not just to this replica's last known event: with PostgreSQL, reading is
        // also how this replica learns of another replica's writes.
        for (int page = 0; ; page++) {
            List<ChangeEvent> events = store.eventsAfter(lastEvent, EVENT_PAGE);
            for (ChangeEvent event : events) {
                Instance instance = event.instance();
                if (instance != null
                        && instance.kind() == ServiceKind.AGENT
                        && (event.type() == ChangeType.REGISTERED
                                || event.type() == ChangeType.UPDATED
                                || (event.type() == ChangeType.STATUS_CHANGED
                                        && instance.status() == InstanceStatus.UP))) {
                    stale.add(instance.name());
                }
                lastEvent = event.id();
            }
            if (events.size() < EVENT_PAGE) {
                return;
            }
            if (page == MAX_EVENT_PAGES) {
                // A burst larger than this is cheaper to answer by reading every agent again.
                markAllAgents();
                lastEvent = store.lastEventId();
                return;
            }
        }
    }

    private void markAllAgents() {
        view.current().services().forEach((name, instances) -> {
            if (!instances.isEmpty() && instances.getFirst().kind() == ServiceKind.AGENT) {
                stale.add(name);
            }
        });
    }

    private CompletableFuture<Void> fetch(String service, String url, String source, @Nullable Card previous) {
        CompletableFuture<Outcome> outcome;
        try {
            URI target = URI.create(url);
            HttpRequest request = HttpRequest.newBuilder(target)
                    .timeout(properties.timeout())
                    .GET()
                    .header("Accept", "application/json")
                    .header("User-Agent", "agent-forge-registry-agent-card")
                    .build();
            outcome = CompletableFuture.supplyAsync(() -> resolvedRefusal(target), executor)
                    .thenCompose(refusal -> refusal.isPresent()
                            ? CompletableFuture.completedFuture(Outcome.failed(refusal.get()))
                            : read(request));
        } catch (RuntimeException e) {
            outcome = CompletableFuture.completedFuture(Outcome.failed("invalid card URL: " + e.getMessage()));
        }
        return outcome.exceptionally(e -> Outcome.failed(describe(e)))
                .thenAccept(result -> record(service, url, source, previous, result))
                .whenComplete((ignored, error) -> {
                    if (error != null) {
                        log.warn("Could not record the agent card of {}", service, error);
                    }
                    running.remove(service);
                    inFlight.release();
                });
    }

    private CompletableFuture<Outcome> read(HttpRequest request) {
        int max = (int) properties.maxSize().toBytes();
        CompletableFuture<HttpResponse<byte[]>> response = http.sendAsync(
                request,
                info -> info.statusCode() == 200
                        ? new LimitedBody(max)
                        : HttpResponse.BodySubscribers.replacing(new byte[0]));
        return response.orTimeout(properties.timeout().toMillis() * 2, TimeUnit.MILLISECONDS)
                .handle((answer, error) -> {
                    if (error != null) {
                        response.cancel(true); // a body still trickling in is abandoned, not waited for
                        return Outcome.failed(describe(error));
                    }
                    if (answer.statusCode() != 200) {
                        return Outcome.failed("HTTP " + answer.statusCode() + " from the card URL");
                    }
                    return parse(answer.body());
                });
    }

    private Outcome parse(byte[] body) {
        Map<String, @Nullable Object> card;
        try {
            @SuppressWarnings("unchecked")
            Map<String, @Nullable Object> parsed = mapper.readValue(body, LinkedHashMap.class);
            card = parsed;
        } catch (JacksonException e) {
            return Outcome.failed("the card is not a JSON object: " + firstLine(e.getOriginalMessage()));
        }
        if (card == null) {
            return Outcome.failed("the card is not a JSON object");
        }
        if (!(card.get("name") instanceof String name) || name.isBlank()) {
            return Outcome.failed("the card has no 'name' (a non-empty string)");
        }
        if (card.containsKey("skills") && !(card.get("skills") instanceof List<?>)) {
            return Outcome.failed("the card's 'skills' is not an array");
        }
        return new Outcome(card, null);
    }

    private void record(String service, String url, String source, @Nullable Card previous, Outcome outcome) {
        Instant now = clock.instant();
        Card card;
        if (outcome.card() != null) {
            card = new Card(url, source, outcome.card(), null, now);
            if (previous == null || previous.card() == null || !previous.card().equals(outcome.card())) {
                log.info("Agent card of {} read from {}", service, url);
            }
        } else {
            // A good card read earlier from the same URL stays listed through a failed refresh, beside the reason.
            Map<String, @Nullable Object> kept =
                    previous != null && previous.url().equals(url) ? previous.card() : null;
            card = new Card(url, source, kept, outcome.error(), now);
            if (previous == null || !String.valueOf(outcome.error()).equals(previous.error())) {
                log.info("Agent card of {} not read from {}: {}", service, url, outcome.error());
            }
        }
        cards.record(service, card);
    }

    private Optional<String> resolvedRefusal(URI target) {
        String host = target.getHost();
        if (host == null) {
            return Optional.of("the card URL has no host");
        }
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int port = target.getPort() != -1 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
        try {
            for (InetAddress address : InetAddress.getAllByName(name)) {
                Optional<String> refusal = endpointPolicy.addressRefusal(address, port);
                if (refusal.isPresent()) {
                    return Optional.of("refused: " + name + " resolves to " + refusal.get());
                }
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of("unknown host " + name);
        }
    }

    private static String describe(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CardTooLargeException tooLarge) {
            return tooLarge.getMessage();
        }
        if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message));
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "";
        }
        String line = message.lines().findFirst().orElse("");
        return line.length() > MAX_ERROR ? line.substring(0, MAX_ERROR) + "..." : line;
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }

    private record Outcome(
            @Nullable Map<String, @Nullable Object> card,
            @Nullable String error) {

        static Outcome failed(String error) {
            return new Outcome(null, error);
        }
    }

    private static final class CardTooLargeException extends RuntimeException {

        CardTooLargeException(int max) {
            super("the card is larger than " + max + " bytes", null, false, false);
        }
    }

    /** Collects at most {@code max} bytes of a body and gives up (closing the exchange) beyond them. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final int max;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.@Nullable Subscription subscription;

        LimitedBody(int max) {
            this.max = max;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                if (bytes.size() + item.remaining() > max) {
                    if (subscription != null) {
                        subscription.cancel();
                    }
                    result.completeExceptionally(new CardTooLargeException(max));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }

        @Override
        public CompletableFuture<byte[]> getBody() {
            return result;
        }
    }
}
