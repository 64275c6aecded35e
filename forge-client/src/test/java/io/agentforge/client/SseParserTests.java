package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

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

    private void feed(String... lines) throws IOException {
        for (String line : lines) {
            parser.line(line);
        }
    }

    @Test
    void anEventIsDispatchedAtTheBlankLineWithItsIdTypeAndData() throws IOException {
        feed("id: 42", "event: registered", "data: {\"id\":42}");
        assertThat(events).isEmpty();

        feed("");

        assertThat(events).containsExactly(new SseParser.SseEvent("42", "registered", "{\"id\":42}"));
    }

    @Test
    void dataLinesAreJoinedWithNewlines() throws IOException {
        feed("data: first", "data:second", "data:  third", "");

        assertThat(events).singleElement().extracting(SseParser.SseEvent::data).isEqualTo("first\nsecond\n third");
    }

    @Test
    void anEventWithoutTypeIsAMessage() throws IOException {
        feed("data: x", "");

        assertThat(events).singleElement().extracting(SseParser.SseEvent::event).isEqualTo("message");
    }

    @Test
    void commentsAreReportedAndDispatchNothing() throws IOException {
        feed(":heartbeat", ": subscribed after event 7", "");

        assertThat(comments).containsExactly("heartbeat", "subscribed after event 7");
        assertThat(events).isEmpty();
    }

    @Test
    void aBlockWithoutDataIsDroppedAndItsTypeForgotten() throws IOException {
        feed("event: reset", "id: 9", "", "data: y", "");

        assertThat(events).containsExactly(new SseParser.SseEvent("9", "message", "y"));
    }

    @Test
    void theLastEventIdCarriesOverToEventsWithoutOne() throws IOException {
        feed("id: 5", "data: a", "", "data: b", "");

        assertThat(events).extracting(SseParser.SseEvent::id).containsExactly("5", "5");
        assertThat(parser.lastEventId()).isEqualTo("5");
    }

    @Test
    void anEmptyDataFieldStillDispatches() throws IOException {
        feed("data", "");

        assertThat(events).singleElement().extracting(SseParser.SseEvent::data).isEqualTo("");
    }

    @Test
    void unknownFieldsAndRetryAreIgnored() throws IOException {
        feed("retry: 1000", "foo: bar", "data: z", "");

        assertThat(events).containsExactly(new SseParser.SseEvent("", "message", "z"));
    }

    @Test
    void anIdContainingNulIsIgnored() throws IOException {
        feed("id: 3", "id: 4\0", "data: q", "");

        assertThat(events).singleElement().extracting(SseParser.SseEvent::id).isEqualTo("3");
    }

    @Test
    void anUnterminatedEventIsNotDispatched() throws IOException {
        feed("data: never finished");

        assertThat(events).isEmpty();
    }

    @Nested
    class Reading {

        private boolean read(SseParser reader, String stream, Predicate<SseParser.SseEvent> last) throws IOException {
            return reader.read(new BufferedReader(new StringReader(stream)), last);
        }

        @Test
        void linesEndedByLfCrLfOrCrAreAllRead() throws IOException {
            boolean stopped = read(parser, "data: a\n\nevent: b\r\ndata: b\r\n\r\ndata: c\r\rdata: d\n", e -> false);

            assertThat(stopped).isFalse();
            assertThat(events).extracting(SseParser.SseEvent::data).containsExactly("a", "b", "c");
            assertThat(events.get(1).event()).isEqualTo("b");
        }

        @Test
        void readingStopsAtTheLastEventEvenIfTheStreamGoesOn() throws IOException {
            boolean stopped = read(
                    parser,
                    "event: delta\ndata: 1\n\nevent: done\ndata: 2\n\nevent: delta\ndata: 3\n\n",
                    event -> event.event().equals("done"));

            assertThat(stopped).isTrue();
            assertThat(events).extracting(SseParser.SseEvent::event).containsExactly("delta", "done");
        }

        @Test
        void aStreamEndingBeforeTheLastEventSaysSo() throws IOException {
            boolean stopped = read(
                    parser,
                    "event: delta\ndata: 1\n\nevent: done\ndata: 2",
                    event -> event.event().equals("done"));

            assertThat(stopped).isFalse();
            assertThat(events).extracting(SseParser.SseEvent::event).containsExactly("delta");
        }
    }

    @Nested
    class Capped {

        private final SseParser capped = new SseParser(events::add, 16);

        @Test
        void anEventUpToTheCapIsDispatched() throws IOException {
            capped.line("data: 12345678");
            capped.line("data:1234567");
            capped.line("");

            assertThat(events)
                    .singleElement()
                    .extracting(SseParser.SseEvent::data)
                    .isEqualTo("12345678\n1234567");
        }

        @Test
        void anEventWhoseDataGrowsPastTheCapIsRefused() throws IOException {
            capped.line("data: 12345678");

            assertThatThrownBy(() -> capped.line("data: 12345678"))
                    .isInstanceOfSatisfying(
                            SseParser.EventTooLargeException.class,
                            e -> assertThat(e.maxEventChars()).isEqualTo(16));
            assertThat(events).isEmpty();
        }

        @Test
        void aLineLongerThanTheCapIsRefusedBeforeItIsReadWhole() {
            // Endless: only a cap on the line ends reading it.
            java.io.Reader endless = new java.io.Reader() {
                @Override
                public int read(char[] buffer, int offset, int length) {
                    java.util.Arrays.fill(buffer, offset, offset + length, 'x');
                    return length;
                }

                @Override
                public void close() {}
            };

            assertThatThrownBy(() -> capped.read(new BufferedReader(endless), event -> false))
                    .isInstanceOf(SseParser.EventTooLargeException.class);
            assertThat(events).isEmpty();
        }

        @Test
        void theCapMustBePositive() {
            assertThatThrownBy(() -> new SseParser(events::add, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
