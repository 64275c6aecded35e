package io.agentforge.registry.mcpregistry;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.ServiceProtocol;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerDocumentsTests {

    @Test
    void aForgeToolServesMcpUnderItsEndpointAndAnImportedServerIsItsEndpoint() {
        assertThat(ServerDocuments.mcpUrl(new CatalogEndpoint("calc-1", "http://10.0.0.5:8083/", Map.of())))
                .isEqualTo("http://10.0.0.5:8083/mcp");
        assertThat(ServerDocuments.mcpUrl(
                        new CatalogEndpoint("wx-1", "http://10.0.0.6:9000/mcp", Map.of(), ServiceProtocol.MCP)))
                .isEqualTo("http://10.0.0.6:9000/mcp");
    }
}
