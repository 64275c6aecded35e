package io.agentforge.agent.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.agent.a2a.A2aWire.Message;
import io.agentforge.agent.a2a.A2aWire.Part;
import io.agentforge.agent.a2a.A2aWire.TaskState;
import io.agentforge.testsupport.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskStoreTests {

    final MutableClock clock = MutableClock.startingNow();
    final TaskStore store = new TaskStore(2, Duration.ofMinutes(10), clock);

    A2aTask task(String id, String owner) {
        return new A2aTask(
                id,
                "ctx-" + id,
                owner,
                new Message("m-" + id, null, id, Message.ROLE_USER, List.of(Part.text("hi")), null),
                clock.instant());
    }

    @Test
    void aTaskIsFoundOnlyByItsOwner() {
        store.add(task("t1", "alice"));

        assertThat(store.find("t1", "alice")).isPresent();
        assertThat(store.find("t1", "bob")).isEmpty();
        assertThat(store.find("t2", "alice")).isEmpty();
    }

    @Test
    void anEndedTaskIsForgottenAfterTheRetentionButARunningOneIsKept() {
        A2aTask ended = task("ended", "alice");
        A2aTask running = task("running", "alice");
        store.add(ended);
        store.add(running);
        ended.moveTo(TaskState.TASK_STATE_FAILED, null, clock.instant());

        clock.advance(Duration.ofMinutes(9));
        assertThat(store.find("ended", "alice")).isPresent();

        clock.advance(Duration.ofMinutes(1));
        assertThat(store.find("ended", "alice")).isEmpty();
        assertThat(store.find("running", "alice")).isPresent();
    }

    @Test
    void aFullStorePushesOutTheOldestEndedTaskAndRefusesWhenAllAreRunning() {
        A2aTask first = task("first", "alice");
        store.add(first);
        store.add(task("second", "alice"));
        first.cancel(clock.instant());

        store.add(task("third", "alice"));

        assertThat(store.find("first", "alice")).isEmpty();
        assertThat(store.size()).isEqualTo(2);
        assertThatThrownBy(() -> store.add(task("fourth", "alice")))
                .isInstanceOfSatisfying(
                        JsonRpcError.class, e -> assertThat(e.code()).isEqualTo(JsonRpcError.INTERNAL_ERROR))
                .hasMessageContaining("running 2 tasks");
    }

    @Test
    void aCanceledTaskStaysCanceledWhenItsAnswerArrivesLate() {
        A2aTask task = task("t", "alice");
        store.add(task);

        assertThat(task.cancel(clock.instant())).isTrue();
        task.finish(
                new A2aWire.Artifact("answer", "answer", List.of(Part.text("late"))),
                new Message("r", "ctx-t", "t", Message.ROLE_AGENT, List.of(Part.text("late")), null),
                null,
                clock.instant());

        assertThat(task.state()).isEqualTo(TaskState.TASK_STATE_CANCELED);
        assertThat(task.view(null).artifacts()).isEmpty();
        assertThat(task.cancel(clock.instant()))
                .as("an ended task is not cancelable")
                .isFalse();
    }
}
