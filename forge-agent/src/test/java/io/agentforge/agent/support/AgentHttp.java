package io.agentforge.agent.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Real HTTP calls to the agent under test. */
public record AgentHttp(String baseUrl) {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    public Response post(String path, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(key == null ? request : request.header("Authorization", "Bearer " + key));
    }

    public Response get(String path, String key) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
        return send(key == null ? request : request.header("Authorization", "Bearer " + key));
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Retry-After").orElse(null),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response; {@link #events()} parses a server-sent event stream body. */
    public record Response(int status, String retryAfter, String contentType, String body) {

        public JsonNode json() {
            return TestWorld.JSON.readTree(body);
        }

        public List<Event> events() {
            List<Event> events = new ArrayList<>();
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : body.split("\n", -1)) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5));
                } else if (line.isEmpty() && name != null) {
                    events.add(new Event(name, TestWorld.JSON.readTree(data.toString())));
                    name = null;
                    data.setLength(0);
                }
            }
            return events;
        }
    }

    /** One server-sent event with JSON data. */
    public record Event(String name, JsonNode data) {}
}
