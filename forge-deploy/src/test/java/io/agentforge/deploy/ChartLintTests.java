package io.agentforge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** helm lint (with the values schema) accepts good values and refuses bad ones, at lint and at install time. */
class ChartLintTests {

    @TempDir
    Path temp;

    private static LintResult lint(Path chart) {
        return new Helm(chart).lint().strict().call();
    }

    @Nested
    class GoodValues {

        @Test
        void theChartPassesStrictLintWithItsDefaults() {
            LintResult result = lint(RenderedChart.CHART_DIR);
            assertThat(result.isFailed())
                    .as(String.join("\n", result.getMessages()))
                    .isFalse();
        }

        @Test
        void aCopyWithTheDefaultValuesRewrittenStillPassesLint() {
            LintResult result = lint(ChartFiles.copyWithValues(temp, Map.of()));
            assertThat(result.isFailed())
                    .as(String.join("\n", result.getMessages()))
                    .isFalse();
        }

        @Test
        void theProductionValuesPassLint() {
            Map<String, Object> production = ChartFiles.read(RenderedChart.testResource("values-production.yaml"));
            LintResult result = lint(ChartFiles.copyWithValues(temp, production));
            assertThat(result.isFailed())
                    .as(String.join("\n", result.getMessages()))
                    .isFalse();
        }
    }

    @Nested
    class BadValues {

        @ParameterizedTest(name = "{0}")
        @CsvSource(
                quoteCharacter = '"',
                value = {
                    "replicas-not-a-number.yaml, /registry/replicaCount",
                    "ingress-host-invalid.yaml, /ingress/console/host",
                    "admin-key-malformed.yaml, /keys/adminKey",
                    "agent-key-malformed.yaml, /keys/agentKey",
                    "unknown-key.yaml, 'replicas'"
                })
        void failLint(String file, String expectedMessage) {
            Map<String, Object> bad = ChartFiles.read(RenderedChart.testResource("bad-values/" + file));
            LintResult result = lint(ChartFiles.copyWithValues(temp, bad));
            assertThat(result.isFailed()).isTrue();
            assertThat(String.join("\n", result.getMessages())).contains(expectedMessage);
        }

        // Cross-field rules live in templates (`fail`), which helm lint reports only as information: they stop
        // installation, not lint.
        @ParameterizedTest(name = "{0}")
        @CsvSource(
                quoteCharacter = '"',
                value = {
                    "replicas-not-a-number.yaml, /registry/replicaCount",
                    "ingress-host-invalid.yaml, /ingress/console/host",
                    "admin-key-malformed.yaml, /keys/adminKey",
                    "agent-key-malformed.yaml, /keys/agentKey",
                    "unknown-key.yaml, 'replicas'",
                    "autoscaling-max-below-min.yaml, maxReplicas must be at least minReplicas",
                    "service-keys-share-an-entry.yaml, name the same entry \"calculator-key\": each service needs its own key",
                    "service-key-reuses-admin-key-id.yaml, keys.calculatorKey has the keyId sharedid01 of keys.adminKey",
                    "jwt-issuer-without-audience.yaml, agent.jwtAudience is required when agent.jwtIssuerUri is set",
                    "agent-database-registry-secret.yaml, agent.database.existingSecret names the registry's database Secret \"pg-credentials\": the agent needs its own database user",
                    "agent-database-registry-user.yaml, agent.database.user is the registry's user \"agentforge\": the agent needs its own database user"
                })
        void failInstallation(String file, String expectedMessage) {
            assertThatThrownBy(() -> RenderedChart.render(RenderedChart.testResource("bad-values/" + file)))
                    .hasMessageContaining(expectedMessage);
        }
    }
}
