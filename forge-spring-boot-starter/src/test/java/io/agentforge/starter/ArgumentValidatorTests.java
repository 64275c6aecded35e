package io.agentforge.starter;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.starter.ArgumentValidator.Violation;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ArgumentValidatorTests {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static List<Violation> check(String schema, String arguments) {
        return new ArgumentValidator(MAPPER.readTree(schema)).validate(MAPPER.readTree(arguments));
    }

    private static JsonNode json(String text) {
        return MAPPER.readTree(text);
    }

    @Nested
    class Objects {

        private static final String SCHEMA = """
                {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "string"}},
                 "required": ["a", "b"], "additionalProperties": false}""";

        @Test
        void fittingArgumentsHaveNoViolation() {
            assertThat(check(SCHEMA, "{\"a\": 1.5, \"b\": \"x\"}")).isEmpty();
        }

        @Test
        void eachMissingRequiredPropertyIsNamed() {
            assertThat(check(SCHEMA, "{}"))
                    .containsExactly(new Violation("a", "is required"), new Violation("b", "is required"));
        }

        @Test
        void anUnknownPropertyIsNamedWithTheKnownOnes() {
            assertThat(check(SCHEMA, "{\"a\": 1, \"b\": \"x\", \"c\": true}"))
                    .containsExactly(new Violation("c", "is not a known argument (expected: a, b)"));
        }

        @Test
        void additionalPropertiesAreAllowedUnlessForbidden() {
            assertThat(check("{\"type\": \"object\", \"properties\": {}}", "{\"c\": 1}"))
                    .isEmpty();
            assertThat(check(
                            "{\"type\": \"object\", \"additionalProperties\": {\"type\": \"integer\"}}",
                            "{\"c\": \"x\"}"))
                    .extracting(Violation::field)
                    .containsExactly("c");
        }

        @Test
        void aWrongTypeSaysWhatWasExpectedAndWhatCame() {
            assertThat(check(SCHEMA, "{\"a\": \"1\", \"b\": 2}"))
                    .containsExactly(
                            new Violation("a", "must be a number but is a string"),
                            new Violation("b", "must be a string but is an integer"));
        }

        @Test
        void aDocumentThatIsNotAnObjectIsRefusedAsAWhole() {
            assertThat(check(SCHEMA, "[1]")).containsExactly(new Violation("", "must be an object but is an array"));
        }
    }

    @Nested
    class Types {

        @Test
        void integersAcceptWholeNumbersWrittenWithAFraction() {
            String schema = "{\"type\": \"integer\"}";
            assertThat(new ArgumentValidator(json(schema)).validate(json("3"))).isEmpty();
            assertThat(new ArgumentValidator(json(schema)).validate(json("3.0")))
                    .isEmpty();
            assertThat(new ArgumentValidator(json(schema)).validate(json("3.5")))
                    .hasSize(1);
        }

        @Test
        void aTypeListAcceptsAnyOfItsTypes() {
            ArgumentValidator validator = new ArgumentValidator(json("{\"type\": [\"number\", \"string\"]}"));
            assertThat(validator.validate(json("1"))).isEmpty();
            assertThat(validator.validate(json("\"1\""))).isEmpty();
            assertThat(validator.validate(json("true")))
                    .containsExactly(new Violation("", "must be a number or a string but is a boolean"));
        }

        @Test
        void enumsAndConstantsCompareNumbersByValue() {
            assertThat(new ArgumentValidator(json("{\"enum\": [\"A\", \"B\"]}")).validate(json("\"C\"")))
                    .extracting(Violation::message)
                    .containsExactly("must be one of [\"A\",\"B\"] but is \"C\"");
            assertThat(new ArgumentValidator(json("{\"const\": 1}")).validate(json("1.0")))
                    .isEmpty();
        }

        @Test
        void stringRulesCountCharactersAndMatchPatterns() {
            ArgumentValidator validator = new ArgumentValidator(
                    json("{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 3, \"pattern\": \"^[a-z]+$\"}"));
            assertThat(validator.validate(json("\"ab\""))).isEmpty();
            assertThat(validator.validate(json("\"a\""))).hasSize(1);
            assertThat(validator.validate(json("\"abcd\""))).hasSize(1);
            assertThat(validator.validate(json("\"AB\"")))
                    .extracting(Violation::message)
                    .containsExactly("must match ^[a-z]+$ but is \"AB\"");
        }

        @Test
        void theExactNumberPatternAcceptsDecimalsAndRefusesTheRest() {
            Pattern decimal = Pattern.compile(PublishedFunction.DECIMAL_PATTERN);
            for (String good :
                    List.of("0", "-1", "+2", "1.", ".5", "0.1", "1e5", "-1.5E-3", "12345678901234567890.5")) {
                assertThat(decimal.matcher(good).find()).as(good).isTrue();
            }
            for (String bad : List.of("", ".", "1.2.3", "abc", "1e", "e5", "1 ", "--1", "1x")) {
                assertThat(decimal.matcher(bad).find()).as(bad).isFalse();
            }
        }

        @Test
        void aStringOverMaxLengthIsRefusedForItsLengthWithoutAPatternMatch() {
            ArgumentValidator validator = new ArgumentValidator(json("{\"type\": \"string\", \"maxLength\": 1000,"
                    + " \"pattern\": \"" + PublishedFunction.DECIMAL_PATTERN.replace("\\", "\\\\") + "\"}"));

            assertThat(validator.validate(json("\"" + "1".repeat(60_000) + "x\"")))
                    .extracting(Violation::message)
                    .containsExactly("must have at most 1000 characters");
        }

        @Test
        void numericBoundsAreEnforced() {
            ArgumentValidator validator = new ArgumentValidator(json("{\"minimum\": 0, \"exclusiveMaximum\": 10}"));
            assertThat(validator.validate(json("0"))).isEmpty();
            assertThat(validator.validate(json("-0.1")))
                    .extracting(Violation::message)
                    .containsExactly("must be at least 0");
            assertThat(validator.validate(json("10")))
                    .extracting(Violation::message)
                    .containsExactly("must be less than 10");
        }
    }

    @Nested
    class Structure {

        @Test
        void violationsInsideArraysAndObjectsCarryTheirPath() {
            String schema = """
                    {"type": "object", "properties": {"point": {"type": "object",
                      "properties": {"tags": {"type": "array", "items": {"type": "string"}}}}}}""";
            assertThat(check(schema, "{\"point\": {\"tags\": [\"a\", 2]}}"))
                    .containsExactly(new Violation("point.tags[1]", "must be a string but is an integer"));
        }

        @Test
        void localReferencesAreFollowed() {
            String schema = """
                    {"type": "object", "properties": {"p": {"$ref": "#/$defs/P"}},
                     "$defs": {"P": {"type": "object", "required": ["x"]}}}""";
            assertThat(check(schema, "{\"p\": {}}")).containsExactly(new Violation("p.x", "is required"));
        }

        @Test
        void aSelfReferencingSchemaCannotRecurseForever() {
            String schema = "{\"$ref\": \"#\", \"type\": \"object\"}";
            assertThat(check(schema, "{}")).isEmpty();
        }

        @Test
        void alternativesNeedAMatch() {
            ArgumentValidator anyOf =
                    new ArgumentValidator(json("{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}"));
            assertThat(anyOf.validate(json("1"))).isEmpty();
            assertThat(anyOf.validate(json("1.5"))).hasSize(1);
            ArgumentValidator oneOf =
                    new ArgumentValidator(json("{\"oneOf\": [{\"type\": \"number\"}, {\"type\": \"integer\"}]}"));
            assertThat(oneOf.validate(json("1.5"))).isEmpty();
            assertThat(oneOf.validate(json("1")))
                    .extracting(Violation::message)
                    .containsExactly("matches more than one of the exclusive forms");
        }

        @Test
        void theSummaryNamesTheFirstViolations() {
            List<Violation> violations = List.of(new Violation("a", "is required"), new Violation("", "is bad"));
            assertThat(ArgumentValidator.summary(violations)).isEqualTo("'a' is required; is bad");
        }
    }
}
