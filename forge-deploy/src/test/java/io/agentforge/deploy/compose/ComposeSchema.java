package io.agentforge.deploy.compose;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.BasicDialectRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Compose Specification JSON schema (test resource compose/compose-spec.json, see the NOTICE beside it),
 * evaluated by a real JSON-schema validator. Nothing is fetched from the network.
 */
final class ComposeSchema {

    static final String RESOURCE = "compose/compose-spec.json";

    /** The draft-07 meta-schema, as the copied schema names it ({@code https}, no {@code #}) and as it is usually named. */
    static final Set<String> DRAFT_07 = Set.of(
            "https://json-schema.org/draft-07/schema", "https://json-schema.org/draft-07/schema#",
            "http://json-schema.org/draft-07/schema", "http://json-schema.org/draft-07/schema#");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Schema schema;

    private ComposeSchema(Schema schema) {
        this.schema = schema;
    }

    static ComposeSchema load() {
        SchemaRegistry registry = SchemaRegistry.builder()
                .dialectRegistry(new BasicDialectRegistry((String id) -> dialect(id)))
                .schemaLoader(loader -> loader.fetchRemoteResources(false))
                .build();
        return new ComposeSchema(registry.getSchema(SchemaLocation.of("classpath:" + RESOURCE)));
    }

    private static Dialect dialect(String id) {
        if (!DRAFT_07.contains(id)) {
            throw new IllegalStateException("The Compose schema now declares $schema " + id
                    + ": check that the validator supports it and update ComposeSchema");
        }
        return Dialects.getDraft7();
    }

    JsonNode schemaNode() {
        return schema.getSchemaNode();
    }

    /** The schema's complaints about a parsed Compose document, as {@code location: message} lines. */
    List<String> validate(Map<String, Object> document) {
        JsonNode node = JSON.valueToTree(document);
        return schema.validate(node).stream().map(Error::toString).toList();
    }
}
