package io.agentforge.agent.a2a;

import io.agentforge.agent.a2a.A2aWire.Artifact;
import io.agentforge.agent.a2a.A2aWire.Message;
import io.agentforge.agent.a2a.A2aWire.Part;
import io.agentforge.agent.a2a.A2aWire.StreamResponse;
import io.agentforge.agent.a2a.A2aWire.Task;
import io.agentforge.agent.a2a.A2aWire.TaskArtifactUpdateEvent;
import io.agentforge.agent.a2a.A2aWire.TaskState;
import io.agentforge.agent.a2a.A2aWire.TaskStatusUpdateEvent;
import io.agentforge.agent.chat.ChatAbortedException;
import io.agentforge.agent.chat.ChatException;
import io.agentforge.agent.chat.ChatListener;
import io.agentforge.agent.chat.ChatRequest;
import io.agentforge.agent.chat.ChatResult;
import io.agentforge.agent.chat.ChatService;
import io.agentforge.agent.conversation.ToolStep;
import io.agentforge.agent.security.Caller;
import io.agentforge.agent.tooling.AgentDelegation;
import io.agentforge.agent.tooling.OnBehalfOf;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The A2A methods on top of the agent loop: a message becomes a question to {@link ChatService} (the same loop,
 * limits, conversation memory and tool identity as the chat API), run as a task on its own thread so it can be read
 * and cancelled while it runs. The task's {@code contextId} is the conversation's id.
 */
final class A2aService {

    /** Message metadata key: how many agents handed the message on before it reached this one. */
    static final String DELEGATION_DEPTH = AgentDelegation.DEPTH_METADATA;

    private static final Logger log = LoggerFactory.getLogger(A2aService.class);
    private static final String ANSWER = "answer";

    private final ChatService chat;
    private final TaskStore tasks;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration deadline;

    A2aService(ChatService chat, TaskStore tasks, JsonMapper json, Clock clock, Duration deadline) {
        this.chat = chat;
        this.tasks = tasks;
        this.json = json;
        this.clock = clock;
        this.deadline = deadline;
    }

    /** Receives a task's stream responses in order, from the task's thread; closed when the task has ended. */
    interface Events {
        Events NONE = new Events() {
            @Override
            public void send(StreamResponse event) {}

            @Override
            public void close() {}
        };

        void send(StreamResponse event);

        void close();
    }

    /** A checked message, ready to run. */
    record Accepted(
            A2aTask task,
            ChatService.Question question,
            boolean returnImmediately,
            @Nullable Integer history) {}

    /**
     * Checks a {@code SendMessageRequest} and creates its task (not started yet).
     *
     * @throws JsonRpcError for a message this agent can't take
     */
    Accepted accept(Caller caller, OnBehalfOf onBehalfOf, JsonNode params) {
        JsonNode message = params.get("message");
        if (message == null || !message.isObject()) {
            throw JsonRpcError.invalidParams("params.message is required: the Message to send");
        }
        String messageId = text(message, "messageId");
        if (messageId == null || messageId.isBlank()) {
            throw JsonRpcError.invalidParams("message.messageId is required (a unique id the sender makes)");
        }
        String role = text(message, "role");
        if (!Message.ROLE_USER.equals(role) && !"user".equals(role)) {
            throw JsonRpcError.invalidParams("message.role must be ROLE_USER");
        }
        String question = question(message.get("parts"));
        String taskId = text(message, "taskId");
        if (taskId != null && !taskId.isBlank()) {
            A2aTask earlier = tasks.find(taskId, caller.id()).orElseThrow(() -> JsonRpcError.taskNotFound(taskId));
            throw new JsonRpcError(
                    JsonRpcError.UNSUPPORTED_OPERATION,
                    "TASK_NOT_CONTINUABLE",
                    "Task " + taskId + " is " + earlier.state() + " and takes no further messages (this agent"
                            + " never asks for input mid-task); send a new message with contextId "
                            + earlier.contextId() + " to continue the conversation");
        }
        String contextId = text(message, "contextId");
        int depth = depth(params.get("metadata"), message.get("metadata"));
        JsonNode configuration = params.path("configuration");
        Integer history = null;
        if (configuration.has("historyLength")
                && !configuration.get("historyLength").isNull()) {
            history = historyLength(configuration.get("historyLength"), "configuration.historyLength");
        }
        ChatService.Question prepared;
        try {
            prepared = chat.prepare(
                    caller.id(),
                    onBehalfOf.delegatedTimes(depth),
                    new ChatRequest(question, contextId == null || contextId.isBlank() ? null : contextId, null));
        } catch (ChatException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw JsonRpcError.invalidParams("Unknown contextId '" + contextId + "': no conversation of yours"
                        + " has it. Leave contextId out to start a new context; the agent makes its id");
            }
            throw JsonRpcError.invalidParams(e.getMessage());
        }
        Message received = new Message(
                messageId, prepared.conversation().id(), null, Message.ROLE_USER, List.of(Part.text(question)), null);
        String id = UUID.randomUUID().toString();
        A2aTask task =
                new A2aTask(id, prepared.conversation().id(), caller.id(), withTask(received, id), clock.instant());
        tasks.add(task);
        return new Accepted(
                task, prepared, configuration.path("returnImmediately").asBoolean(false), history);
    }

    /** Runs the task on its own thread; {@code events} sees its progress, {@code stream} asks for answer text pieces. */
    CompletableFuture<Void> start(Accepted accepted, boolean stream, Events events) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        // The question runs on another thread: it carries the request's trace context (and log ids) along.
        ContextSnapshot context = ContextSnapshotFactory.builder().build().captureAll();
        Thread thread = Thread.ofVirtual().name("a2a-task").unstarted(context.wrap(() -> {
            try {
                run(accepted, stream, events);
            } finally {
                events.close();
                done.complete(null);
            }
        }));
        accepted.task().runOn(thread);
        thread.start();
        return done;
    }

    /** Waits (at most the question deadline and a margin) for a task started by {@link #start} to end. */
    void await(CompletableFuture<Void> done) {
        try {
            done.get(deadline.plusSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.debug("A2A task did not end in time: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Task get(Caller caller, JsonNode params) {
        String id = requiredId(params);
        Integer history =
                params.has("historyLength") && !params.get("historyLength").isNull()
                        ? historyLength(params.get("historyLength"), "historyLength")
                        : null;
        return tasks.find(id, caller.id())
                .orElseThrow(() -> JsonRpcError.taskNotFound(id))
                .view(history);
    }

    Task cancel(Caller caller, JsonNode params) {
        String id = requiredId(params);
        A2aTask task = tasks.find(id, caller.id()).orElseThrow(() -> JsonRpcError.taskNotFound(id));
        if (!task.cancel(clock.instant())) {
            throw new JsonRpcError(
                    JsonRpcError.TASK_NOT_CANCELABLE,
                    "TASK_NOT_CANCELABLE",
                    "Task " + id + " has already ended (" + task.state() + ") and can't be canceled",
                    Map.of("taskId", id),
                    HttpStatus.OK);
        }
        return task.view(null);
    }

    private void run(Accepted accepted, boolean stream, Events events) {
        A2aTask task = accepted.task();
        events.send(StreamResponse.of(task.view(accepted.history())));
        if (task.moveTo(TaskState.TASK_STATE_WORKING, null, clock.instant())) {
            events.send(status(task, null));
        }
        Pieces pieces = new Pieces(task, events);
        try {
            ChatResult result = chat.answer(accepted.question(), stream, new ChatListener() {
                @Override
                public void stepStarted(String callId, ToolStep step) {
                    events.send(status(task, step(task, callId, "started", step)));
                }

                @Override
                public void stepFinished(String callId, ToolStep step) {
                    events.send(status(task, step(task, callId, "finished", step)));
                }

                @Override
                public void delta(String text) {
                    pieces.add(text);
                }

                @Override
                public boolean cancelled() {
                    return task.cancelRequested();
                }
            });
            Artifact answer = new Artifact(ANSWER, ANSWER, List.of(Part.text(result.answer())));
            Message reply = new Message(
                    UUID.randomUUID().toString(),
                    task.contextId(),
                    task.id(),
                    Message.ROLE_AGENT,
                    List.of(Part.text(result.answer())),
                    null);
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("steps", withoutNulls(json.valueToTree(result.steps())));
            metadata.put("model", result.model());
            metadata.put("usage", result.usage());
            metadata.put("durationMs", result.durationMs());
            task.finish(answer, reply, metadata, clock.instant());
            pieces.last(result.answer());
        } catch (ChatAbortedException e) {
            // Canceled: the task already says so.
            log.debug("A2A task {} was canceled", task.id());
        } catch (ChatException e) {
            task.moveTo(TaskState.TASK_STATE_FAILED, agentText(task, e.getMessage()), clock.instant());
        } catch (RuntimeException e) {
            if (task.cancelRequested()) {
                log.debug("A2A task {} ended after its cancel: {}", task.id(), e.toString());
            } else {
                log.error("A2A task failed", e);
                task.moveTo(
                        TaskState.TASK_STATE_FAILED,
                        agentText(task, "An unexpected error occurred; it has been logged"),
                        clock.instant());
            }
        }
        events.send(status(task, null));
    }

    /** The answer as artifact updates: streamed pieces as they come, then the last chunk. */
    private final class Pieces {
        private final A2aTask task;
        private final Events events;
        private boolean any;

        Pieces(A2aTask task, Events events) {
            this.task = task;
            this.events = events;
        }

        synchronized void add(String text) {
            if (text == null || text.isEmpty()) {
                return;
            }
            events.send(StreamResponse.of(new TaskArtifactUpdateEvent(
                    task.id(), task.contextId(), new Artifact(ANSWER, ANSWER, List.of(Part.text(text))), any, false)));
            any = true;
        }

        // Streamed: an empty last piece closes the artifact; not streamed: the whole answer at once.
        synchronized void last(String answer) {
            events.send(StreamResponse.of(new TaskArtifactUpdateEvent(
                    task.id(),
                    task.contextId(),
                    new Artifact(ANSWER, ANSWER, List.of(Part.text(any ? "" : answer))),
                    any,
                    true)));
        }
    }

    private StreamResponse status(A2aTask task, @Nullable Message message) {
        A2aWire.TaskStatus status = task.status();
        if (message != null) {
            status = new A2aWire.TaskStatus(status.state(), message, status.timestamp());
        }
        return StreamResponse.of(new TaskStatusUpdateEvent(task.id(), task.contextId(), status, null));
    }

    /** A tool call as a status message: a data part with the step (the chat stream's {@code step} event). */
    private Message step(A2aTask task, String callId, String phase, ToolStep step) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", callId);
        data.put("phase", phase);
        data.put("step", step);
        return new Message(
                UUID.randomUUID().toString(),
                task.contextId(),
                task.id(),
                Message.ROLE_AGENT,
                List.of(Part.data(withoutNulls(json.valueToTree(data)))),
                Map.of("agentforge/event", "step"));
    }

    /**
     * The node without its null members: ProtoJSON leaves unset fields out, and {@code google.protobuf.Struct}
     * readers (the a2a-java SDK's among them) may not take a null member value.
     */
    static JsonNode withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = object.objectNode();
            object.properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    copy.set(e.getKey(), withoutNulls(e.getValue()));
                }
            });
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(item -> copy.add(withoutNulls(item)));
            return copy;
        }
        return node;
    }

    private static Message agentText(A2aTask task, String text) {
        return new Message(
                UUID.randomUUID().toString(),
                task.contextId(),
                task.id(),
                Message.ROLE_AGENT,
                List.of(Part.text(text)),
                null);
    }

    private static Message withTask(Message message, String taskId) {
        return new Message(
                message.messageId(), message.contextId(), taskId, message.role(), message.parts(), message.metadata());
    }

    /** The question: the text parts, and data parts as JSON; files are refused. */
    private String question(@Nullable JsonNode parts) {
        if (parts == null || !parts.isArray() || parts.isEmpty()) {
            throw JsonRpcError.invalidParams("message.parts must hold at least one part");
        }
        List<String> pieces = new ArrayList<>();
        for (JsonNode part : parts) {
            if (!part.isObject()) {
                throw JsonRpcError.invalidParams("message.parts holds something that is not a Part object");
            }
            JsonNode text = part.get("text");
            JsonNode data = part.get("data");
            if (text != null && text.isString()) {
                pieces.add(text.asString());
            } else if (data != null && !data.isMissingNode()) {
                pieces.add(json.writeValueAsString(data));
            } else if (part.has("raw") || part.has("url") || part.has("file")) {
                throw new JsonRpcError(
                        JsonRpcError.CONTENT_TYPE_NOT_SUPPORTED,
                        "CONTENT_TYPE_NOT_SUPPORTED",
                        "This agent reads text parts (text/plain) and data parts (application/json), not files");
            } else {
                throw JsonRpcError.invalidParams("A part needs text (a string) or data");
            }
        }
        String question = String.join("\n", pieces).strip();
        if (question.isEmpty()) {
            throw JsonRpcError.invalidParams("The message has no text: its text parts are empty");
        }
        return question;
    }

    private static int depth(@Nullable JsonNode... metadata) {
        int depth = 0;
        for (JsonNode node : metadata) {
            if (node == null || !node.isObject() || !node.has(DELEGATION_DEPTH)) {
                continue;
            }
            JsonNode value = node.get(DELEGATION_DEPTH);
            if (!value.isIntegralNumber() || value.asInt() < 0 || value.asInt() > 100) {
                throw JsonRpcError.invalidParams(DELEGATION_DEPTH + " must be a whole number from 0 to 100");
            }
            depth = Math.max(depth, value.asInt());
        }
        return depth;
    }

    private static Integer historyLength(JsonNode value, String where) {
        if (!value.isIntegralNumber() || value.asInt() < 0) {
            throw JsonRpcError.invalidParams(where + " must be a whole number, 0 or more");
        }
        return value.asInt();
    }

    private static String requiredId(JsonNode params) {
        String id = text(params, "id");
        if (id == null || id.isBlank()) {
            throw JsonRpcError.invalidParams("params.id is required: the task's id");
        }
        return id;
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw JsonRpcError.invalidParams(field + " must be a string");
        }
        return value.asString();
    }
}
