package io.agentforge.registry.api;

/** What a registered service is: a tool offering functions, or an agent. */
public enum ServiceKind {
    TOOL,
    AGENT
}
