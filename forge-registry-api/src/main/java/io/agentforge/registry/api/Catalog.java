package io.agentforge.registry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The function catalog: every function of a tool with at least one {@code UP} instance, those tools' {@code UP}
 * endpoints, and an index from function name to service name.
 *
 * @param eventId the id of the last change-feed event this snapshot reflects; resume the feed from it
 */
public record Catalog(
        long eventId, List<CatalogFunction> functions, List<CatalogService> services, Map<String, String> index) {

    public Catalog {
        functions = List.copyOf(functions);
        services = List.copyOf(services);
        index = Map.copyOf(index);
    }

    /**
     * One callable function and the service that serves it; {@code mcpName} is the tool's name on its MCP server when
     * the function was imported from one.
     */
    public record CatalogFunction(
            String name,
            String description,
            Map<String, @Nullable Object> inputSchema,
            @Nullable Map<String, @Nullable Object> outputSchema,
            String service,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String mcpName) {

        /** A function of a forge tool. */
        public CatalogFunction(
                String name,
                String description,
                Map<String, @Nullable Object> inputSchema,
                @Nullable Map<String, @Nullable Object> outputSchema,
                String service) {
            this(name, description, inputSchema, outputSchema, service, null);
        }
    }

    /** A tool with its healthy instances. */
    public record CatalogService(
            String name, @Nullable String version, @Nullable String description, List<CatalogEndpoint> instances) {

        public CatalogService {
            instances = List.copyOf(instances);
        }
    }

    /** One healthy instance of a tool and the protocol its functions are called with (absent: forge). */
    public record CatalogEndpoint(
            String instanceId, String endpoint, Map<String, String> metadata, ServiceProtocol protocol) {

        public CatalogEndpoint {
            protocol = protocol == null ? ServiceProtocol.FORGE : protocol;
        }

        /** An instance of a forge tool. */
        public CatalogEndpoint(String instanceId, String endpoint, Map<String, String> metadata) {
            this(instanceId, endpoint, metadata, ServiceProtocol.FORGE);
        }
    }
}
