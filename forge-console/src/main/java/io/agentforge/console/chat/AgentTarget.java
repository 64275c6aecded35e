package io.agentforge.console.chat;

import java.io.Serializable;
import java.net.URI;

/**
 * An agent the console can talk to.
 *
 * @param id      what the browser names it by: the registry instance id, or {@code configured} for the fixed URL;
 *                the browser never sends a URL, so it cannot point the console anywhere else
 * @param service the agent's service name in the registry (owned by the key that registered it), or
 *                {@code agentforge.console.agent-service} for the fixed URL: the audience of the tokens the console
 *                gets to call it
 * @param label   what the picker shows
 * @param baseUrl the agent's base URL; the chat API lives under {@code /api/v1}
 */
public record AgentTarget(String id, String service, String label, String version, URI baseUrl) {

    public static final String CONFIGURED = "configured";

    public URI resolve(String path) {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    /** What the session remembers of the user's pick. */
    public Pick pick() {
        return new Pick(id, service);
    }

    /**
     * The agent a person picked with the picker's form, kept in their session: the instance id, and the service
     * name so that a restarted instance of the same (owned) service is still the agent they chose.
     */
    public record Pick(String id, String service) implements Serializable {}
}
