package io.agentforge.agent.a2a;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * The agent's A2A tasks, in memory and bounded: an ended task is kept for the retention time after its last change,
 * and when the store is full a new task pushes out the oldest ended one. Tasks still running are never pushed out;
 * a store full of running tasks refuses new ones. Tasks are per agent process: behind a load balancer a client
 * reads a task from the replica that runs it (documented in docs/interop.md).
 */
final class TaskStore {

    private final int maxTasks;
    private final Duration retention;
    private final Clock clock;
    private final Map<String, A2aTask> tasks = new LinkedHashMap<>();

    TaskStore(int maxTasks, Duration retention, Clock clock) {
        this.maxTasks = maxTasks;
        this.retention = retention;
        this.clock = clock;
    }

    /** @throws JsonRpcError (HTTP 503) when every place is taken by a running task */
    synchronized void add(A2aTask task) {
        sweep();
        if (tasks.size() >= maxTasks) {
            Iterator<A2aTask> oldest = tasks.values().iterator();
            while (oldest.hasNext()) {
                if (oldest.next().state().terminal()) {
                    oldest.remove();
                    break;
                }
            }
        }
        if (tasks.size() >= maxTasks) {
            throw new JsonRpcError(
                    JsonRpcError.INTERNAL_ERROR,
                    "TOO_MANY_TASKS",
                    "The agent is running " + maxTasks + " tasks already; try again later",
                    Map.of(),
                    HttpStatus.SERVICE_UNAVAILABLE);
        }
        tasks.put(task.id(), task);
    }

    /** The caller's task; another caller's task is not found, as one that never was. */
    synchronized Optional<A2aTask> find(String id, String owner) {
        sweep();
        A2aTask task = tasks.get(id);
        return task != null && task.owner().equals(owner) ? Optional.of(task) : Optional.empty();
    }

    synchronized int size() {
        sweep();
        return tasks.size();
    }

    private void sweep() {
        Instant cutoff = clock.instant().minus(retention);
        tasks.values().removeIf(t -> t.state().terminal() && !t.updated().isAfter(cutoff));
    }
}
