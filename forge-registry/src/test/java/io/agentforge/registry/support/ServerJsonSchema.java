package io.agentforge.registry.support;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.BasicDialectRegistry;
import com.networknt.schema.dialect.Dialects;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The MCP Registry's server.json JSON schema (test resource mcp-registry/server.schema.json, see the NOTICE beside
 * it), evaluated by a real JSON-schema validator. Nothing is fetched from the network.
 */
public final class ServerJsonSchema {

    public static final String RESOURCE = "mcp-registry/server.schema.json";

    private static final Set<String> DRAFT_07 = Set.of(
            "http://json-schema.org/draft-07/schema#",
            "http://json-schema.org/draft-07/schema",
            "https://json-schema.org/draft-07/schema#",
            "https://json-schema.org/draft-07/schema");

    private final Schema schema;

    private ServerJsonSchema(Schema schema) {
        this.schema = schema;
    }

    public static ServerJsonSchema load() {
        SchemaRegistry registry = SchemaRegistry.builder()
                .dialectRegistry(new BasicDialectRegistry((String id) -> {
                    if (!DRAFT_07.contains(id)) {
                        throw new IllegalStateException("The server.json schema now declares $schema " + id
                                + ": check that the validator supports it and update ServerJsonSchema");
                    }
                    return Dialects.getDraft7();
                }))
                .schemaLoader(loader -> loader.fetchRemoteResources(false))
                .build();
        return new ServerJsonSchema(registry.getSchema(SchemaLocation.of("classpath:" + RESOURCE)));
    }

    public JsonNode schemaNode() {
        return schema.getSchemaNode();
    }

    /** The schema's complaints about a server.json document, as {@code location: message} lines. */
    public List<String> validate(JsonNode document) {
        return schema.validate(document).stream().map(Error::toString).toList();
    }
}
