package io.agentforge.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml is a valid Compose file: it validates against the Compose Specification schema as written and
 * after interpolation with a complete .env (Compose validates after interpolating).
 */
class ComposeFileSchemaTests {

    private static ComposeSchema schema;
    private static ComposeFile compose;

    @BeforeAll
    static void load() {
        schema = ComposeSchema.load();
        compose = ComposeFile.load();
    }

    @Nested
    class TheSchema {

        @Test
        void isTheDraft07ComposeSpecification() {
            assertThat(schema.schemaNode().get("$schema").asString()).isIn(ComposeSchema.DRAFT_07);
            assertThat(schema.schemaNode().get("title").asString()).isEqualTo("Compose Specification");
        }

        @Test
        void refusesAServiceWithAnUnknownKey() {
            Map<String, Object> broken = ComposeFile.parse("""
                    services:
                      calculator:
                        image: example/calculator
                        portz: ["8083:8083"]
                    """).root();
            assertThat(schema.validate(broken))
                    .anySatisfy(error -> assertThat(error).contains("portz"));
        }

        @Test
        void refusesADependencyConditionComposeDoesNotKnow() {
            Map<String, Object> broken = ComposeFile.parse("""
                    services:
                      agent:
                        image: example/agent
                        depends_on:
                          registry:
                            condition: service_ready
                      registry:
                        image: example/registry
                    """).root();
            assertThat(schema.validate(broken))
                    .anySatisfy(error -> assertThat(error).contains("condition"));
        }
    }

    @Nested
    class TheComposeFile {

        @Test
        void validatesAsWritten() {
            assertThat(schema.validate(compose.root())).isEmpty();
        }

        @Test
        void validatesOnceItsVariablesAreInterpolated() {
            assertThat(schema.validate(compose.interpolated(ComposeFile.exampleEnvWithSecrets())
                            .root()))
                    .isEmpty();
        }

        @Test
        void declaresAProjectNameSoContainersAndVolumesAreNamedPredictably() {
            assertThat(compose.root()).containsEntry("name", "agent-forge");
        }
    }
}
