package io.agentforge.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Predicate;

/** Incremental parser of a {@code text/event-stream} (WHATWG HTML §9.2) with an optional cap on event size. */
public final class SseParser {

    /**
     * One dispatched event; {@code id} is the stream's last event id at dispatch (possibly from an earlier event,
     * empty when none), {@code event} is {@code message} when the stream named no type.
     */
    public record SseEvent(String id, String event, String data) {}

    /** Where the parser hands what it read; called on the thread that feeds the parser. */
    public interface Sink {

        void event(SseEvent event);

        /** A comment line ({@code :text}), without the colon and leading blanks; ignored by default. */
        default void comment(String text) {}
    }

    /** An event or line longer than the parser's cap: the stream is refused instead of being buffered. */
    public static final class EventTooLargeException extends IOException {

        private final int maxEventChars;

        EventTooLargeException(int maxEventChars) {
            super("An event of the stream is longer than " + maxEventChars + " characters");
            this.maxEventChars = maxEventChars;
        }

        /** The cap that was exceeded, in characters. */
        public int maxEventChars() {
            return maxEventChars;
        }
    }

    private final Sink sink;
    private final int maxEventChars;
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventId = "";
    private boolean hasData;

    /** A parser without a cap on event size; only for streams from a trusted peer. */
    public SseParser(Sink sink) {
        this(sink, Integer.MAX_VALUE);
    }

    /**
     * A parser that refuses an event whose data, or any single line, is longer than {@code maxEventChars} characters.
     */
    public SseParser(Sink sink, int maxEventChars) {
        if (maxEventChars < 1) {
            throw new IllegalArgumentException("maxEventChars must be positive");
        }
        this.sink = sink;
        this.maxEventChars = maxEventChars;
    }

    /**
     * Feeds one line without its terminator; dispatches an event to the sink at a blank line.
     *
     * @throws EventTooLargeException when the line or the event's data so far is longer than the cap
     */
    public void line(String line) throws EventTooLargeException {
        accept(line);
    }

    /**
     * Reads lines (ended by {@code \n}, {@code \r\n} or {@code \r}) from {@code reader} and feeds them until the
     * stream ends or an event for which {@code last} is true has been dispatched. Does not close the reader; blocks
     * while the stream is silent.
     *
     * @return true when it stopped at such a last event, false when the stream ended first
     * @throws EventTooLargeException when a line or an event is longer than the cap, before it is buffered whole
     */
    public boolean read(BufferedReader reader, Predicate<SseEvent> last) throws IOException {
        String line;
        while ((line = readLine(reader)) != null) {
            SseEvent dispatched = accept(line);
            if (dispatched != null && last.test(dispatched)) {
                return true;
            }
        }
        return false;
    }

    /** The last event id seen so far, empty when none. */
    public String lastEventId() {
        return lastEventId;
    }

    private SseEvent accept(String line) throws EventTooLargeException {
        if (line.length() > maxEventChars) {
            throw new EventTooLargeException(maxEventChars);
        }
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.charAt(0) == ':') {
            sink.comment(line.substring(1).stripLeading());
            return null;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                data.append(value).append('\n');
                hasData = true;
                // The builder holds the data plus one trailing newline.
                if (data.length() - 1 > maxEventChars) {
                    throw new EventTooLargeException(maxEventChars);
                }
            }
            case "event" -> eventType = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            default -> {
                // "retry" and unknown fields: callers reconnect with their own backoff, if at all.
            }
        }
        return null;
    }

    // A line of the stream; a broken peer can't make it grow past the cap.
    private String readLine(BufferedReader reader) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = reader.read()) != -1) {
            if (c == '\n') {
                return line.toString();
            }
            if (c == '\r') {
                reader.mark(1);
                if (reader.read() != '\n') {
                    reader.reset();
                }
                return line.toString();
            }
            if (line.length() == maxEventChars) {
                throw new EventTooLargeException(maxEventChars);
            }
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString();
    }

    private SseEvent dispatch() {
        if (!hasData) {
            eventType = "";
            return null;
        }
        String payload = data.substring(0, data.length() - 1);
        String type = eventType.isEmpty() ? "message" : eventType;
        data.setLength(0);
        hasData = false;
        eventType = "";
        SseEvent event = new SseEvent(lastEventId, type, payload);
        sink.event(event);
        return event;
    }
}
