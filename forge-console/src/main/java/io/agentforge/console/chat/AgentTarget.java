package io.agentforge.console.chat;

import java.net.URI;

/**
 * An agent the console can talk to.
 *
 * @param id      what the browser names it by: the registry instance id, or {@code configured} for the fixed URL;
 *                the browser never sends a URL, so it cannot point the console anywhere else
 * @param label   what the picker shows
 * @param baseUrl the agent's base URL; the chat API lives under {@code /api/v1}
 */
public record AgentTarget(String id, String label, String version, URI baseUrl) {

    public static final String CONFIGURED = "configured";

    public URI resolve(String path) {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }
}
