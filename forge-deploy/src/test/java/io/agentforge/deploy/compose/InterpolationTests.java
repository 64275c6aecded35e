package io.agentforge.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The test helpers read variables as Compose does; the Compose tests are only as good as these. */
class InterpolationTests {

    @Nested
    class Variables {

        @Test
        void everyFormOfReferenceIsFoundIncludingNestedOnes() {
            assertThat(Interpolation.variables("$A ${B} ${C:-x} ${D-x} ${E:?x} ${F?x} ${G:+x} ${H+x} ${I:-${J:-${K}}}"))
                    .containsExactly("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K");
        }

        @Test
        void aDoubledDollarIsNoReference() {
            assertThat(Interpolation.variables("pg_isready -U \"$${POSTGRES_USER}\" $$HOME"))
                    .isEmpty();
        }

        @Test
        void referencesInsideAYamlTreeAreFoundInValuesOnly() {
            Object tree = Map.of("${KEY}", List.of("a", Map.of("b", "${VALUE:-x}")));
            assertThat(Interpolation.variablesInTree(tree)).containsExactly("VALUE");
        }
    }

    @Nested
    class Values {

        private final Map<String, String> env = Map.of("SET", "value", "EMPTY", "");

        @Test
        void aColonDefaultReplacesUnsetAndEmptyVariables() {
            assertThat(Interpolation.interpolate("${SET:-d} ${EMPTY:-d} ${UNSET:-d}", env))
                    .isEqualTo("value d d");
        }

        @Test
        void aPlainDefaultReplacesOnlyUnsetVariables() {
            assertThat(Interpolation.interpolate("${EMPTY-d}|${UNSET-d}", env)).isEqualTo("|d");
        }

        @Test
        void aRequiredVariableThatIsEmptyFailsWithItsMessage() {
            assertThatThrownBy(() -> Interpolation.interpolate("${EMPTY:?set EMPTY in .env}", env))
                    .isInstanceOfSatisfying(
                            Interpolation.MissingVariableException.class,
                            e -> assertThat(e.variable()).isEqualTo("EMPTY"))
                    .hasMessageContaining("set EMPTY in .env");
        }

        @Test
        void nestedDefaultsAreEvaluatedOnlyWhenNeeded() {
            assertThat(Interpolation.interpolate("${SET:-${MISSING:?boom}}", env))
                    .isEqualTo("value");
            assertThat(Interpolation.interpolate("${UNSET:-${SET}}", env)).isEqualTo("value");
        }

        @Test
        void aReplacementAppliesOnlyToSetVariables() {
            assertThat(Interpolation.interpolate("${SET:+r}|${EMPTY:+r}|${EMPTY+r}", env))
                    .isEqualTo("r||r");
        }

        @Test
        void aDoubledDollarBecomesOneAndBackticksStay() {
            assertThat(Interpolation.interpolate("Host(`${SET}`) $$1", env)).isEqualTo("Host(`value`) $1");
        }
    }

    @Nested
    class EnvFiles {

        @Test
        void singleQuotedValuesAreLiteralAndOthersAreInterpolated() {
            EnvFile file = EnvFile.parse(List.of(
                    "# the user",
                    "USER=admin",
                    "HASH='admin:$apr1$x$y'",
                    "GREETING=\"hello ${USER}\"",
                    "PLAIN=${USER}-1 # trailing comment"));
            assertThat(file.resolved())
                    .containsExactly(
                            Map.entry("USER", "admin"),
                            Map.entry("HASH", "admin:$apr1$x$y"),
                            Map.entry("GREETING", "hello admin"),
                            Map.entry("PLAIN", "admin-1"));
            assertThat(file.entry("USER").comment()).containsExactly("the user");
            assertThat(file.entry("HASH").comment()).isEmpty();
        }

        @Test
        void aLineThatIsNoAssignmentIsRefused() {
            assertThatThrownBy(() -> EnvFile.parse(List.of("just words"))).hasMessageContaining("Line 1");
        }
    }
}
