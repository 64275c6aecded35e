package io.agentforge.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The SDK stays plain Java: embeddable anywhere, wired into Spring only by the starter. */
class ClientArchitectureTests {

    private static final JavaClasses CLIENT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.agentforge.client");

    @Test
    void theClientDependsOnlyOnTheWireContractJacksonResilience4jSlf4jJSpecifyAndTheObservationApi() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages(
                        "io.agentforge.client..",
                        "io.agentforge.registry.api..",
                        "java..",
                        "javax.net..",
                        "tools.jackson..",
                        "io.github.resilience4j..",
                        "org.slf4j..",
                        "org.jspecify..",
                        // The Observation API only (no metrics, no tracer): the application brings the rest.
                        "io.micrometer.observation..",
                        "io.micrometer.common..")
                .because("no Spring and no server code: the starter does the wiring")
                .check(CLIENT);
    }
}
