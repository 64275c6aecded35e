package io.agentforge.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The ArchUnit rules of the project's conventions, shared by every module: feature packages without cycles, packages
 * cut by feature rather than by layer, time from an injected {@code Clock}, logging rather than standard streams.
 */
public final class ConventionRules {

    // Prints the generated bootstrap admin key to standard output once: a secret must not go to the logs.
    private static final String ADMIN_KEY_PRINTER = "io.agentforge.registry.security.SecurityConfiguration";

    private ConventionRules() {}

    /** The main (non-test) classes of a module's root package. */
    public static JavaClasses mainClasses(String rootPackage) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(rootPackage);
    }

    /** Every convention rule for the feature packages directly below {@code rootPackage}. */
    public static List<ArchRule> all(String rootPackage) {
        return List.of(noCycles(rootPackage), cutByFeature(), timeFromAnInjectedClock(), noStandardStreams());
    }

    /** {@link #all} as one JUnit test each, on the module's main classes: use from a {@code @TestFactory}. */
    public static Stream<DynamicTest> tests(String rootPackage) {
        JavaClasses classes = mainClasses(rootPackage);
        return all(rootPackage).stream()
                .map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(classes)));
    }

    public static ArchRule noCycles(String rootPackage) {
        return slices().matching(rootPackage + ".(*)..")
                .should()
                .beFreeOfCycles()
                .allowEmptyShould(true);
    }

    public static ArchRule cutByFeature() {
        return noClasses()
                .should()
                .resideInAnyPackage("..controller..", "..service..", "..repository..", "..model..", "..util..")
                .because("packages are cut by feature, not by layer");
    }

    public static ArchRule timeFromAnInjectedClock() {
        return noClasses()
                .should()
                .callMethod(System.class, "currentTimeMillis")
                .because("time comes from an injected java.time.Clock so tests can move it");
    }

    public static ArchRule noStandardStreams() {
        return noClasses()
                .that()
                .doNotHaveFullyQualifiedName(ADMIN_KEY_PRINTER)
                .should(ACCESS_STANDARD_STREAMS)
                .because("services log through SLF4J; the registry prints a generated admin key once, never logs it");
    }
}
