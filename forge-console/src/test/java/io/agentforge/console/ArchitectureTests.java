package io.agentforge.console;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Controller;

class ArchitectureTests {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.agentforge.console");

    @Test
    void controllersArePackagePrivate() {
        classes()
                .that()
                .areAnnotatedWith(Controller.class)
                .should()
                .notBePublic()
                .check(classes);
    }

    @Test
    void theBrowserFacingCodeNeverTouchesTheRegistryClientDirectly() {
        noClasses()
                .that()
                .resideInAnyPackage("..chat..", "..tools..", "..registry..")
                .and()
                .areAnnotatedWith(Controller.class)
                .should()
                .dependOnClassesThat()
                .haveSimpleName("HttpRegistryClient")
                .check(classes);
    }
}
