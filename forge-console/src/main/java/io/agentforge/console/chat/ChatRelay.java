package io.agentforge.console.chat;

import io.agentforge.client.Problem;
import io.agentforge.client.RegistryException;
import io.micrometer.context.ContextSnapshotFactory;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Relays one agent answer stream to the browser on its own virtual thread: {@code step} and {@code delta} as they
 * come, {@code done} with the answer rendered to safe HTML, or {@code error} with a problem detail and a sentence to
 * show. When the browser leaves or the stream times out, the agent's stream is closed so the relay ends at once.
 */
final class ChatRelay {

    private static final Logger log = LoggerFactory.getLogger(ChatRelay.class);
    /** Longer than any agent deadline: the agent ends the stream first. */
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(15);

    private final AgentGateway gateway;
    private final MarkdownRenderer markdown;
    private final TraceLinks traceLinks;

    ChatRelay(AgentGateway gateway, MarkdownRenderer markdown, TraceLinks traceLinks) {
        this.gateway = gateway;
        this.markdown = markdown;
        this.traceLinks = traceLinks;
    }

    /** Starts asking {@code target} and returns the emitter the answer will be relayed to. */
    SseEmitter start(AgentTarget target, ChatCommand command, String credential) {
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        // Closing the agent's stream ends the relay even while the agent is silent (a long tool call).
        AtomicReference<Closeable> agentStream = new AtomicReference<>();
        AtomicBoolean over = new AtomicBoolean();
        Runnable stop = () -> {
            over.set(true);
            closeQuietly(agentStream.getAndSet(null));
        };
        emitter.onCompletion(stop);
        emitter.onTimeout(stop);
        emitter.onError(e -> stop.run());
        Consumer<Closeable> opened = stream -> {
            agentStream.set(stream);
            if (over.get()) {
                closeQuietly(agentStream.getAndSet(null));
            }
        };
        // The relay thread carries the browser request's trace context (and log ids) on to the agent.
        Runnable relay = () -> relay(target, command, credential, emitter, opened);
        Thread.ofVirtual()
                .name("console-chat-relay")
                .start(ContextSnapshotFactory.builder().build().captureAll().wrap(relay));
        return emitter;
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) {
                log.debug("Closing the agent's stream: {}", e.toString());
            }
        }
    }

    private void relay(
            AgentTarget target,
            ChatCommand command,
            String credential,
            SseEmitter emitter,
            Consumer<Closeable> opened) {
        try {
            gateway.stream(target, command, credential, new AgentGateway.Events() {
                @Override
                public void on(String event, JsonNode data) {
                    switch (event) {
                        case "done" -> send(emitter, "done", withHtml(data));
                        case "error" -> send(emitter, "error", ChatErrors.event(problem(data), null));
                        case "tools", "step", "delta" -> send(emitter, event, data);
                        default -> {
                            // Unknown events from a newer agent are not for this page.
                        }
                    }
                }

                @Override
                public void opened(Closeable stream) {
                    opened.accept(stream);
                }
            });
            emitter.complete();
        } catch (AgentException e) {
            sendQuietly(emitter, "error", ChatErrors.event(e.problem(), e.retryAfter()));
            emitter.complete();
        } catch (RegistryException e) {
            sendQuietly(emitter, "error", ChatErrors.event(e.problem(), null));
            emitter.complete();
        } catch (BrowserGoneException e) {
            log.debug("Browser left during a chat stream");
        } catch (RuntimeException e) {
            log.error("Chat relay failed", e);
            sendQuietly(
                    emitter,
                    "error",
                    ChatErrors.event(
                            new Problem(
                                    500,
                                    null,
                                    "Console error",
                                    "Something went wrong in the console; it has been logged."),
                            null));
            emitter.complete();
        }
    }

    private JsonNode withHtml(JsonNode done) {
        if (done instanceof ObjectNode object) {
            object.put("answerHtml", markdown.render(object.path("answer").asString("")));
            traceLinks.current().ifPresent(url -> object.put("traceUrl", url));
        }
        return done;
    }

    private static Problem problem(JsonNode data) {
        return new Problem(
                data.path("status").asInt(502),
                optionalUri(data.path("type").asString(null)),
                data.path("title").asString(null),
                data.path("detail").asString(null));
    }

    private static URI optionalUri(String text) {
        try {
            return text == null ? null : URI.create(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void send(SseEmitter emitter, String event, Object data) {
        try {
            emitter.send(SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException e) {
            throw new BrowserGoneException();
        }
    }

    private static void sendQuietly(SseEmitter emitter, String event, Object data) {
        try {
            send(emitter, event, data);
        } catch (BrowserGoneException e) {
            // Nobody left to tell.
        }
    }

    /** Thrown out of the agent's stream to stop reading it when the browser has gone. */
    private static final class BrowserGoneException extends RuntimeException {
        BrowserGoneException() {
            super(null, null, false, false);
        }
    }
}
