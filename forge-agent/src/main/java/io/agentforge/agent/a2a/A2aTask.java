package io.agentforge.agent.a2a;

import io.agentforge.agent.a2a.A2aWire.Artifact;
import io.agentforge.agent.a2a.A2aWire.Message;
import io.agentforge.agent.a2a.A2aWire.Task;
import io.agentforge.agent.a2a.A2aWire.TaskState;
import io.agentforge.agent.a2a.A2aWire.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One A2A task: a question of one caller being answered (or answered) by the agent loop. Thread-safe: the loop's
 * thread updates it while {@code GetTask} and {@code CancelTask} read and cancel it from request threads.
 */
final class A2aTask {

    private final String id;
    private final String contextId;
    private final String owner;
    private final List<Message> history = new ArrayList<>();
    private final List<Artifact> artifacts = new ArrayList<>();
    private TaskState state = TaskState.TASK_STATE_SUBMITTED;
    private @Nullable Message statusMessage;
    private Instant updated;
    private @Nullable Map<String, Object> metadata;
    private boolean cancelRequested;
    private @Nullable Thread runner;

    A2aTask(String id, String contextId, String owner, Message question, Instant now) {
        this.id = id;
        this.contextId = contextId;
        this.owner = owner;
        this.history.add(question);
        this.updated = now;
    }

    String id() {
        return id;
    }

    String contextId() {
        return contextId;
    }

    String owner() {
        return owner;
    }

    synchronized TaskState state() {
        return state;
    }

    synchronized Instant updated() {
        return updated;
    }

    synchronized boolean cancelRequested() {
        return cancelRequested;
    }

    /** Moves on to {@code next} unless the task has already ended (a cancel wins over a late answer). */
    synchronized boolean moveTo(TaskState next, @Nullable Message message, Instant now) {
        if (state.terminal()) {
            return false;
        }
        state = next;
        statusMessage = message;
        updated = now;
        if (next.terminal()) {
            runner = null;
        }
        return true;
    }

    synchronized void finish(Artifact answer, Message reply, @Nullable Map<String, Object> taskMetadata, Instant now) {
        if (state.terminal()) {
            return;
        }
        artifacts.add(answer);
        history.add(reply);
        metadata = taskMetadata;
        moveTo(TaskState.TASK_STATE_COMPLETED, null, now);
    }

    synchronized void runOn(Thread thread) {
        runner = state.terminal() ? null : thread;
    }

    /**
     * Asks the running question to stop: the loop notices before its next model turn, and a wait for the model is
     * interrupted at once.
     *
     * @return false when the task had already ended
     */
    synchronized boolean cancel(Instant now) {
        if (state.terminal()) {
            return false;
        }
        cancelRequested = true;
        Thread thread = runner;
        moveTo(TaskState.TASK_STATE_CANCELED, null, now);
        if (thread != null) {
            thread.interrupt();
        }
        return true;
    }

    synchronized TaskStatus status() {
        return new TaskStatus(state, statusMessage, updated.toString());
    }

    /** The task as the wire shows it, with at most {@code historyLength} of the latest messages (null: all). */
    synchronized Task view(@Nullable Integer historyLength) {
        List<Message> messages = history;
        if (historyLength != null && historyLength < messages.size()) {
            messages = messages.subList(messages.size() - historyLength, messages.size());
        }
        return new Task(id, contextId, status(), List.copyOf(artifacts), List.copyOf(messages), metadata);
    }
}
