package io.agentforge.agent.chat;

import io.agentforge.agent.config.AgentProperties;
import io.agentforge.agent.conversation.Conversation;
import io.agentforge.agent.conversation.ConversationStore;
import io.agentforge.agent.conversation.ToolStep;
import io.agentforge.agent.security.Caller;
import io.agentforge.agent.security.RateLimiter;
import io.agentforge.agent.tooling.OnBehalfOf;
import io.agentforge.agent.tooling.ToolsOffered;
import io.agentforge.agent.web.Problems;
import io.agentforge.agent.web.RateLimitedException;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Chat", description = "Questions to the agent and the caller's conversations")
class ChatController {

    private static final Logger log = LoggerFactory.getLogger(ChatController.class);

    private final ChatService chat;
    private final ConversationStore conversations;
    private final RateLimiter rateLimiter;
    private final AgentProperties properties;

    ChatController(
            ChatService chat, ConversationStore conversations, RateLimiter rateLimiter, AgentProperties properties) {
        this.chat = chat;
        this.conversations = conversations;
        this.rateLimiter = rateLimiter;
        this.properties = properties;
    }

    @PostMapping(value = "/chat", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Ask a question; the answer comes with the tool calls made on the way")
    ChatResult ask(@RequestBody ChatRequest request, Authentication authentication) {
        Caller caller = caller(authentication);
        limit(caller);
        return chat.chat(caller.id(), onBehalfOf(caller), request, false, ChatListener.NONE);
    }

    @PostMapping(
            value = "/chat/stream",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(
            summary = "Ask a question and stream the answer: 'tools' events with the functions offered to the model,"
                    + " 'step' events when a tool call starts and ends,"
                    + " 'delta' events with answer text, then 'done' with the full result, or 'error' with a problem")
    SseEmitter stream(@RequestBody ChatRequest request, Authentication authentication) {
        Caller caller = caller(authentication);
        limit(caller);
        // Bad input is a plain 4xx problem, before the 200 of the event stream is committed.
        ChatService.Question question = chat.prepare(caller.id(), onBehalfOf(caller), request);
        SseEmitter emitter =
                new SseEmitter(properties.deadline().plusSeconds(30).toMillis());
        AtomicBoolean gone = new AtomicBoolean();
        emitter.onTimeout(() -> gone.set(true));
        emitter.onError(e -> gone.set(true));
        emitter.onCompletion(() -> gone.set(true));
        // The answer streams from another thread: it carries the request's trace context (and log ids) along.
        ContextSnapshot context = ContextSnapshotFactory.builder().build().captureAll();
        Thread.ofVirtual().name("chat-stream").start(context.wrap(() -> {
            try {
                ChatResult result = chat.answer(question, true, new ChatListener() {
                    @Override
                    public void toolsOffered(ToolsOffered offered) {
                        send(emitter, "tools", offered);
                    }

                    @Override
                    public void stepStarted(String callId, ToolStep step) {
                        send(emitter, "step", Map.of("id", callId, "phase", "started", "step", step));
                    }

                    @Override
                    public void stepFinished(String callId, ToolStep step) {
                        send(emitter, "step", Map.of("id", callId, "phase", "finished", "step", step));
                    }

                    @Override
                    public void delta(String text) {
                        send(emitter, "delta", Map.of("text", text));
                    }

                    @Override
                    public boolean cancelled() {
                        return gone.get();
                    }
                });
                send(emitter, "done", result);
                emitter.complete();
            } catch (ChatAbortedException e) {
                log.debug("Chat stream client went away");
            } catch (ChatException e) {
                sendLast(
                        emitter,
                        "error",
                        Problems.of(e.status(), e.kind(), e.status().getReasonPhrase(), e.getMessage()));
            } catch (RuntimeException e) {
                log.error("Chat stream failed", e);
                sendLast(
                        emitter,
                        "error",
                        Problems.of(
                                HttpStatus.INTERNAL_SERVER_ERROR,
                                "internal",
                                "Internal error",
                                "An unexpected error occurred; it has been logged"));
            }
        }));
        return emitter;
    }

    @GetMapping("/conversations")
    @Operation(summary = "The caller's conversations, most recent first")
    List<Conversation.Summary> conversations(Authentication authentication) {
        return conversations.list(caller(authentication).id(), 100);
    }

    @GetMapping("/conversations/{id}")
    @Operation(summary = "One of the caller's conversations with every turn")
    Conversation conversation(@PathVariable String id, Authentication authentication) {
        if (!ChatRequest.CONVERSATION_ID.matcher(id).matches()) {
            throw new ChatException(
                    HttpStatus.BAD_REQUEST,
                    "validation",
                    "conversationId must match " + ChatRequest.CONVERSATION_ID.pattern());
        }
        String caller = caller(authentication).id();
        return conversations
                .find(id)
                .filter(c -> c.owner().equals(caller))
                .orElseThrow(() -> ChatException.conversationNotFound(id));
    }

    private void limit(Caller caller) {
        rateLimiter.acquire(caller.id()).ifPresent(wait -> {
            throw new RateLimitedException(wait);
        });
    }

    static Caller caller(Authentication authentication) {
        return Callers.caller(authentication);
    }

    static OnBehalfOf onBehalfOf(Caller caller) {
        return Callers.onBehalfOf(caller);
    }

    private static void send(SseEmitter emitter, String event, Object data) {
        try {
            emitter.send(SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException e) {
            throw new ChatAbortedException();
        }
    }

    // The final event of a failed question; a client that has gone by then is no error.
    private static void sendLast(SseEmitter emitter, String event, Object data) {
        try {
            send(emitter, event, data);
            emitter.complete();
        } catch (ChatAbortedException e) {
            log.debug("Chat stream client went away before the {} event", event);
        }
    }
}
