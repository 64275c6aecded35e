package io.agentforge.client;

/**
 * Incremental parser of a {@code text/event-stream} (WHATWG HTML §9.2), fed one line at a time without its
 * terminator. Not thread-safe: one parser per stream.
 */
final class SseParser {

    /** One dispatched event; {@code id} is the stream's last event id at dispatch (possibly from an earlier event). */
    record SseEvent(String id, String event, String data) {
    }

    /** Where the parser hands what it read. */
    interface Sink {

        void event(SseEvent event);

        void comment(String text);
    }

    private final Sink sink;
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventId = "";
    private boolean hasData;

    SseParser(Sink sink) {
        this.sink = sink;
    }

    void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            sink.comment(line.substring(1).stripLeading());
            return;
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
            }
            case "event" -> eventType = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            default -> {
                // "retry" and unknown fields: the client reconnects with its own backoff.
            }
        }
    }

    /** The last event id seen so far, empty when none. */
    String lastEventId() {
        return lastEventId;
    }

    private void dispatch() {
        if (!hasData) {
            eventType = "";
            return;
        }
        String payload = data.substring(0, data.length() - 1);
        String type = eventType.isEmpty() ? "message" : eventType;
        data.setLength(0);
        hasData = false;
        eventType = "";
        sink.event(new SseEvent(lastEventId, type, payload));
    }
}
