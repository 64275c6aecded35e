package io.agentforge.agent.a2a;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The A2A 1.0 objects this agent reads and writes, in their JSON form (the ProtoJSON mapping of
 * {@code specification/a2a.proto}: camelCase fields, enums by their proto names). Small records rather than the
 * a2a-java SDK's spec types: those are built for Gson and protobuf, and would bring both next to Jackson 3.
 */
public final class A2aWire {

    /** The protocol version this agent serves. */
    public static final String PROTOCOL_VERSION = "1.0";

    public static final String TEXT = "text/plain";
    public static final String JSON = "application/json";

    private A2aWire() {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record AgentCard(
            String name,
            String description,
            List<AgentInterface> supportedInterfaces,
            @Nullable AgentProvider provider,
            String version,
            @Nullable String documentationUrl,
            AgentCapabilities capabilities,
            Map<String, SecurityScheme> securitySchemes,
            List<SecurityRequirement> securityRequirements,
            List<String> defaultInputModes,
            List<String> defaultOutputModes,
            List<AgentSkill> skills) {}

    public record AgentInterface(String url, String protocolBinding, String protocolVersion) {}

    public record AgentProvider(String url, String organization) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record AgentCapabilities(boolean streaming, boolean pushNotifications, boolean extendedAgentCard) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record AgentSkill(
            String id,
            String name,
            String description,
            List<String> tags,
            List<String> examples,
            List<String> inputModes,
            List<String> outputModes) {}

    /** One of the proto's {@code oneof scheme}; this agent needs HTTP Bearer and an API key header. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SecurityScheme(
            @Nullable HttpAuthSecurityScheme httpAuthSecurityScheme,
            @Nullable ApiKeySecurityScheme apiKeySecurityScheme) {}

    /** @param location {@code header}, {@code query} or {@code cookie} */
    public record ApiKeySecurityScheme(String description, String location, String name) {}

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record HttpAuthSecurityScheme(String description, String scheme, String bearerFormat) {}

    /** Scheme name to the scopes it needs ({@code StringList} in the proto: {@code {"list": [...]}}). */
    public record SecurityRequirement(Map<String, StringList> schemes) {}

    public record StringList(List<String> list) {}

    /** {@code TaskState}; terminal ones end a task. */
    public enum TaskState {
        TASK_STATE_SUBMITTED,
        TASK_STATE_WORKING,
        TASK_STATE_COMPLETED,
        TASK_STATE_FAILED,
        TASK_STATE_CANCELED,
        TASK_STATE_INPUT_REQUIRED,
        TASK_STATE_REJECTED,
        TASK_STATE_AUTH_REQUIRED;

        public boolean terminal() {
            return this == TASK_STATE_COMPLETED
                    || this == TASK_STATE_FAILED
                    || this == TASK_STATE_CANCELED
                    || this == TASK_STATE_REJECTED;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Task(
            String id,
            String contextId,
            TaskStatus status,
            List<Artifact> artifacts,
            List<Message> history,
            @Nullable Map<String, Object> metadata) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskStatus(TaskState state, @Nullable Message message, String timestamp) {}

    /** A part: text, or structured data; files ({@code raw}, {@code url}) are not produced by this agent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Part(
            @Nullable String text,
            @Nullable JsonNode data,
            @Nullable String mediaType,
            @Nullable Map<String, Object> metadata) {

        public static Part text(String text) {
            return new Part(text, null, null, null);
        }

        public static Part data(JsonNode data) {
            return new Part(null, data, JSON, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Message(
            String messageId,
            @Nullable String contextId,
            @Nullable String taskId,
            String role,
            List<Part> parts,
            @Nullable Map<String, Object> metadata) {

        public static final String ROLE_USER = "ROLE_USER";
        public static final String ROLE_AGENT = "ROLE_AGENT";
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Artifact(String artifactId, @Nullable String name, List<Part> parts) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskStatusUpdateEvent(
            String taskId,
            String contextId,
            TaskStatus status,
            @Nullable Map<String, Object> metadata) {}

    public record TaskArtifactUpdateEvent(
            String taskId, String contextId, Artifact artifact, boolean append, boolean lastChunk) {}

    /** {@code SendMessageResponse}: here always the task. */
    public record SendMessageResponse(Task task) {}

    /** {@code StreamResponse}: exactly one of its fields is set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StreamResponse(
            @Nullable Task task,
            @Nullable Message message,
            @Nullable TaskStatusUpdateEvent statusUpdate,
            @Nullable TaskArtifactUpdateEvent artifactUpdate) {

        public static StreamResponse of(Task task) {
            return new StreamResponse(task, null, null, null);
        }

        public static StreamResponse of(TaskStatusUpdateEvent update) {
            return new StreamResponse(null, null, update, null);
        }

        public static StreamResponse of(TaskArtifactUpdateEvent update) {
            return new StreamResponse(null, null, null, update);
        }
    }
}
