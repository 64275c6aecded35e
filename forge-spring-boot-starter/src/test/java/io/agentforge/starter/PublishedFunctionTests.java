package io.agentforge.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.Role;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.util.ReflectionUtils;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PublishedFunctionTests {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private final SampleTools tools = new SampleTools();

    private PublishedFunction function(Object bean, String methodName) {
        Method method = PublishedFunctions.toolMethods(bean.getClass()).stream()
                .filter(m -> m.getName().equals(methodName))
                .findFirst()
                .orElseThrow();
        return PublishedFunction.of(bean, method, MAPPER);
    }

    private static JsonNode json(String text) {
        return MAPPER.readTree(text);
    }

    @Nested
    class Descriptors {

        @Test
        void nameDescriptionAndSchemaComeFromSpringAi() {
            FunctionDescriptor descriptor = function(tools, "greet").descriptor();
            assertThat(descriptor.name()).isEqualTo("sample_greet");
            assertThat(descriptor.description()).isEqualTo("Greets someone, several times if asked");
            assertThat(descriptor.inputSchema())
                    .containsEntry("type", "object")
                    .containsEntry("required", List.of("name"))
                    .containsEntry("additionalProperties", false);
            assertThat(descriptor.inputSchema().get("properties"))
                    .isEqualTo(Map.of(
                            "name", Map.of("type", "string"),
                            "times", Map.of("type", "integer", "description", "How often")));
        }

        @Test
        void exactDecimalsAcceptNumbersAndNumericStrings() {
            Map<?, ?> properties = (Map<?, ?>)
                    function(tools, "add").descriptor().inputSchema().get("properties");
            assertThat(properties.get("a"))
                    .isEqualTo(Map.of(
                            "type",
                            List.of("number", "string"),
                            "pattern",
                            PublishedFunction.DECIMAL_PATTERN,
                            "maxLength",
                            1000,
                            "description",
                            "First addend"));
            assertThat(((Map<?, ?>) properties.get("b")).containsKey("description"))
                    .isTrue();
        }

        @Test
        void theOutputSchemaDescribesTheReturnType() {
            assertThat(function(tools, "add").descriptor().outputSchema())
                    .containsEntry("type", "object")
                    .containsKey("properties");
            assertThat(function(tools, "nothing").descriptor().outputSchema()).isNull();
        }

        @Test
        void aNameTheRegistryWouldRefuseFailsEarlyNamingTheMethod() {
            class BadName {
                @Tool(name = "Add-Numbers", description = "x")
                int add() {
                    return 1;
                }
            }
            assertThatIllegalStateException()
                    .isThrownBy(() -> function(new BadName(), "add"))
                    .withMessageContaining("BadName.add")
                    .withMessageContaining("name");
        }

        @Test
        void twoFunctionsMayNotShareAName() {
            PublishedFunction add = function(tools, "add");
            assertThatIllegalStateException()
                    .isThrownBy(() -> new PublishedFunctions(List.of(add, add)))
                    .withMessageContaining("sample_add");
        }

        @Test
        void functionalReturnTypesAreNotTools() {
            class Functional {
                @Tool(description = "x")
                java.util.function.Supplier<String> supplier() {
                    return () -> "x";
                }
            }
            assertThat(PublishedFunctions.toolMethods(Functional.class)).isEmpty();
            assertThat(ReflectionUtils.findMethod(Functional.class, "supplier")).isNotNull();
        }
    }

    @Nested
    class Invocation {

        @Test
        void decimalsArriveExactlyFromNumbersAndStrings() {
            JsonNode sum = function(tools, "add").invoke(json("{\"a\": 0.1, \"b\": \"0.2\"}"), null);
            assertThat(sum.get("sum").decimalValue()).isEqualByComparingTo("0.3");
            assertThat(sum.get("sum").decimalValue().toPlainString()).isEqualTo("0.3");
        }

        @Test
        void aMissingOptionalArgumentIsNull() {
            assertThat(function(tools, "greet")
                            .invoke(json("{\"name\": \"Ada\"}"), null)
                            .asString())
                    .isEqualTo("Hello Ada!");
        }

        @Test
        void aValueTheParameterTypeCannotTakeIsNamed() {
            assertThatExceptionOfType(ArgumentConversionException.class)
                    .isThrownBy(() -> function(tools, "point")
                            .invoke(json("{\"point\": {\"x\": \"abc\", \"y\": 1, \"tags\": []}}"), null))
                    .satisfies(e -> assertThat(e.field()).isEqualTo("point.x"));
        }

        @Test
        void whatTheToolThrowsIsCarriedUnwrapped() {
            assertThatExceptionOfType(ToolFailedException.class)
                    .isThrownBy(() -> function(tools, "greet").invoke(json("{\"name\": \"\"}"), null))
                    .havingCause()
                    .isInstanceOf(IllegalArgumentException.class)
                    .withMessage("name must not be blank");
        }

        @Test
        void theToolContextCarriesTheCaller() {
            ForgeCaller caller = new ForgeCaller("key:k1", "console", Set.of(Role.CLIENT), List.of());
            assertThat(function(tools, "whoami").invoke(json("{}"), caller).asString())
                    .isEqualTo("console");
            assertThat(function(tools, "whoami").invoke(json("{}"), null).asString())
                    .isEqualTo("anonymous");
        }

        @Test
        void voidAnswersNull() {
            assertThat(function(tools, "nothing").invoke(json("{}"), null).isNull())
                    .isTrue();
        }
    }
}
