package io.agentforge.registry.support;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/** The catalog-search benchmark's services (bench/search/functions.json) as registrations, one instance each. */
public final class BenchCatalog {

    private static final Path FUNCTIONS = Path.of("..", "bench", "search", "functions.json");

    private BenchCatalog() {}

    /** Every service of the benchmark, or only those named. */
    public static List<ServiceRegistration> registrations(String... only) {
        JsonNode root;
        try {
            root = Http.JSON.readTree(Files.readString(FUNCTIONS));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> wanted = List.of(only);
        List<ServiceRegistration> result = new ArrayList<>();
        for (JsonNode service : root.get("services")) {
            String name = service.get("service").asString();
            if (!wanted.isEmpty() && !wanted.contains(name)) {
                continue;
            }
            List<FunctionDescriptor> functions = new ArrayList<>();
            for (JsonNode f : service.get("functions")) {
                functions.add(new FunctionDescriptor(
                        f.get("name").asString(),
                        f.get("description").asString(),
                        Http.JSON.convertValue(f.get("inputSchema"), new TypeReference<Map<String, Object>>() {}),
                        null));
            }
            List<String> capabilities = new ArrayList<>();
            service.get("capabilities").forEach(c -> capabilities.add(c.asString()));
            result.add(new ServiceRegistration(
                    "bench-" + name + "-1",
                    name,
                    ServiceKind.TOOL,
                    "1.0.0",
                    service.get("description").asString(),
                    "http://192.0.2.1:9",
                    capabilities,
                    Map.of(),
                    functions,
                    null,
                    Duration.ofHours(1)));
        }
        return result;
    }
}
