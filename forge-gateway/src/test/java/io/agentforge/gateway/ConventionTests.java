package io.agentforge.gateway;

import io.agentforge.testsupport.ConventionRules;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The project's shared conventions (ArchUnit rules from forge-test-support) hold in this module. */
class ConventionTests {

    @TestFactory
    Stream<DynamicTest> conventionsHold() {
        return ConventionRules.tests("io.agentforge.gateway");
    }
}
