package io.agentforge.agent.conversation;

import tools.jackson.databind.JsonNode;

/** One tool call the agent made: the function, its arguments, and its result or error. */
public record ToolStep(String tool, JsonNode arguments, JsonNode result, String error, long durationMs) {}
