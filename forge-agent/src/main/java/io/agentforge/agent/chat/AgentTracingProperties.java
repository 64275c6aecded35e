package io.agentforge.agent.chat;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the agent's spans may carry beyond timings, models, token counts and outcomes.
 *
 * @param captureContent sensitive: puts the user's question, the answer and each tool call's arguments and result
 *                       on the spans (as {@code gen_ai.input.messages}, {@code gen_ai.output.messages},
 *                       {@code gen_ai.tool.call.arguments}, {@code gen_ai.tool.call.result}), so whoever reads the
 *                       traces reads the conversations. Off by default.
 */
@ConfigurationProperties("agentforge.agent.tracing")
public record AgentTracingProperties(@DefaultValue("false") boolean captureContent) {}
