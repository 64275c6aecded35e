package io.agentforge.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTests {

    private final List<SseParser.SseEvent> events = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final SseParser parser = new SseParser(new SseParser.Sink() {
        @Override
        public void event(SseParser.SseEvent event) {
            events.add(event);
        }

        @Override
        public void comment(String text) {
            comments.add(text);
        }
    });

    private void feed(String... lines) {
        for (String line : lines) {
            parser.line(line);
        }
    }

    @Test
    void anEventIsDispatchedAtTheBlankLineWithItsIdTypeAndData() {
        feed("id: 42", "event: registered", "data: {\"id\":42}");
        assertThat(events).isEmpty();

        feed("");

        assertThat(events).containsExactly(new SseParser.SseEvent("42", "registered", "{\"id\":42}"));
    }

    @Test
    void dataLinesAreJoinedWithNewlines() {
        feed("data: first", "data:second", "data:  third", "");

        assertThat(events).singleElement().extracting(SseParser.SseEvent::data)
                .isEqualTo("first\nsecond\n third");
    }

    @Test
    void anEventWithoutTypeIsAMessage() {
        feed("data: x", "");

        assertThat(events).singleElement().extracting(SseParser.SseEvent::event).isEqualTo("message");
    }

    @Test
    void commentsAreReportedAndDispatchNothing() {
        feed(":heartbeat", ": subscribed after event 7", "");

        assertThat(comments).containsExactly("heartbeat", "subscribed after event 7");
        assertThat(events).isEmpty();
    }

    @Test
    void aBlockWithoutDataIsDroppedAndItsTypeForgotten() {
        feed("event: reset", "id: 9", "", "data: y", "");

        assertThat(events).containsExactly(new SseParser.SseEvent("9", "message", "y"));
    }

    @Test
    void theLastEventIdCarriesOverToEventsWithoutOne() {
        feed("id: 5", "data: a", "", "data: b", "");

        assertThat(events).extracting(SseParser.SseEvent::id).containsExactly("5", "5");
        assertThat(parser.lastEventId()).isEqualTo("5");
    }

    @Test
    void anEmptyDataFieldStillDispatches() {
        feed("data", "");

        assertThat(events).singleElement().extracting(SseParser.SseEvent::data).isEqualTo("");
    }

    @Test
    void unknownFieldsAndRetryAreIgnored() {
        feed("retry: 1000", "foo: bar", "data: z", "");

        assertThat(events).containsExactly(new SseParser.SseEvent("", "message", "z"));
    }

    @Test
    void anIdContainingNulIsIgnored() {
        feed("id: 3", "id: 4\0", "data: q", "");

        assertThat(events).singleElement().extracting(SseParser.SseEvent::id).isEqualTo("3");
    }

    @Test
    void anUnterminatedEventIsNotDispatched() {
        feed("data: never finished");

        assertThat(events).isEmpty();
    }
}
