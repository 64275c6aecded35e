package io.agentforge.console.chat;

import io.agentforge.client.Problem;
import io.agentforge.client.TokenExchanger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns what went wrong talking to an agent into something a person can act on. */
final class ChatErrors {

    private ChatErrors() {}

    static Problem noAgent() {
        return new Problem(
                503,
                AgentException.NO_AGENT,
                "No agent available",
                "No agent is registered and UP. Start one (./forge up starts the example agent), then reload.");
    }

    static Problem noAgentPicked() {
        return new Problem(
                409,
                AgentException.NO_AGENT,
                "No agent picked",
                "Pick an agent and press \"Use this agent\": the console talks only to the agent you choose.");
    }

    /** The {@code error} event the browser gets: the problem's fields, {@code retryAfter} seconds, a sentence. */
    static Map<String, Object> event(Problem problem, Duration retryAfter) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", problem.type().toString());
        event.put("title", problem.title());
        event.put("status", problem.status());
        event.put("detail", problem.detail());
        if (retryAfter != null) {
            event.put("retryAfter", retryAfter.toSeconds());
        }
        event.put("message", message(problem, retryAfter));
        return event;
    }

    static String message(Problem problem, Duration retryAfter) {
        if (problem.type().equals(AgentException.UNREACHABLE) || problem.status() == 0) {
            return "The agent can't be reached. It may have stopped or be restarting; try again shortly."
                    + suffix(problem);
        }
        if (problem.type().equals(AgentException.NO_AGENT)
                || problem.type().equals(TokenExchanger.TOKEN_EXCHANGE_PROBLEM)) {
            return problem.detail();
        }
        return switch (problem.status()) {
            case 401 -> "The agent did not accept your credentials. Sign out and in again." + suffix(problem);
            case 403 -> "The agent refused this request for your key." + suffix(problem);
            case 413 -> "That message is too long for the agent." + suffix(problem);
            case 429 ->
                "Too many questions for now: the agent is rate-limiting you. "
                        + (retryAfter == null
                                ? "Wait a moment and try again."
                                : "Try again in " + Math.max(1, retryAfter.toSeconds()) + " s.");
            case 502, 503, 504 -> "The agent could not answer: " + text(problem);
            default -> text(problem);
        };
    }

    private static String suffix(Problem problem) {
        return problem.detail().isBlank() ? "" : " (" + problem.detail() + ")";
    }

    private static String text(Problem problem) {
        return problem.detail().isBlank() ? problem.title() : problem.title() + ": " + problem.detail();
    }
}
