package io.agentforge.registry;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module and package rules of the conventions, checked on the compiled classes. */
class ArchitectureTests {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // In a reactor build forge-registry-api's test jar (its test fixtures) is on the class path too.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.agentforge");

    @Test
    void theWireContractIsFreeOfSpring() {
        noClasses()
                .that()
                .resideInAPackage("io.agentforge.registry.api..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.springframework..")
                .check(CLASSES);
    }

    @Test
    void theWireContractDoesNotDependOnTheServer() {
        noClasses()
                .that()
                .resideInAPackage("io.agentforge.registry.api..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.agentforge.registry")
                .orShould()
                .dependOnClassesThat()
                .resideOutsideOfPackages(
                        "io.agentforge.registry.api..",
                        "java..",
                        "tools.jackson..",
                        "com.fasterxml.jackson.annotation..",
                        "org.jspecify..")
                .check(CLASSES);
    }

    @Test
    void theRegistryUsesOnlyTheWireContractAndTheSharedWebModule() {
        noClasses()
                .that()
                .resideInAPackage("io.agentforge.registry..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.agentforge.client..",
                        "io.agentforge.starter..",
                        "io.agentforge.agent..",
                        "io.agentforge.console..",
                        "io.agentforge.calculator..")
                .check(CLASSES);
    }

    @Test
    void theSharedWebModuleDependsOnlyOnTheWireContract() {
        noClasses()
                .that()
                .resideInAPackage("io.agentforge.web..")
                .should()
                .dependOnClassesThat(resideInAPackage("io.agentforge..")
                        .and(not(resideInAPackage("io.agentforge.web..")))
                        .and(not(resideInAPackage("io.agentforge.registry.api.."))))
                .because("forge-web sits below every Boot app; io.agentforge.registry.api is its only Agent Forge"
                        + " dependency")
                .check(CLASSES);
    }
}
