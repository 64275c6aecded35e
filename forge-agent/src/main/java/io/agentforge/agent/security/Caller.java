package io.agentforge.agent.security;

/** Who is asking: an API key ({@code key:<keyId>}) or a JWT subject ({@code jwt:<sub>}); conversations belong to it. */
public record Caller(String id, String name) {

    public static final Caller ANONYMOUS = new Caller("anonymous", "anonymous");
}
