package io.agentforge.console.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaFormTests {

    @Test
    void eachTopLevelPropertyBecomesATypedFieldInSchemaOrder() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("expression", Map.of("type", "string", "description", "What to evaluate"));
        properties.put("precision", Map.of("type", List.of("integer", "null")));
        properties.put("ratio", Map.of("type", "number", "examples", List.of(0.5)));
        properties.put("verbose", Map.of("type", "boolean"));
        properties.put("unit", Map.of("enum", List.of("m", 1, true)));
        properties.put("options", Map.of("type", "object"));
        properties.put("anything", Map.of());

        SchemaForm form =
                SchemaForm.of(Map.of("type", "object", "properties", properties, "required", List.of("expression")));

        assertThat(form.fields())
                .extracting(FormField::name, FormField::type, FormField::required)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("expression", FormField.Type.TEXT, true),
                        org.assertj.core.groups.Tuple.tuple("precision", FormField.Type.INTEGER, false),
                        org.assertj.core.groups.Tuple.tuple("ratio", FormField.Type.NUMBER, false),
                        org.assertj.core.groups.Tuple.tuple("verbose", FormField.Type.BOOLEAN, false),
                        org.assertj.core.groups.Tuple.tuple("unit", FormField.Type.ENUM, false),
                        org.assertj.core.groups.Tuple.tuple("options", FormField.Type.JSON, false),
                        org.assertj.core.groups.Tuple.tuple("anything", FormField.Type.JSON, false));
        assertThat(form.fields().getFirst().description()).isEqualTo("What to evaluate");
        assertThat(form.fields().get(2).example()).isEqualTo("0.5");
        assertThat(form.fields().get(4).options())
                .extracting(FormField.Option::json)
                .containsExactly("\"m\"", "1", "true");
    }

    @Test
    void enumValuesKeepTheirJsonType() {
        SchemaForm form = SchemaForm.of(Map.of("properties", Map.of("unit", Map.of("enum", List.of("m", 1)))));

        assertThat(form.bind(Map.of("arg.unit", "1")::get)
                        .arguments()
                        .get("unit")
                        .isNumber())
                .isTrue();
        assertThat(form.bind(Map.of("arg.unit", "\"m\"")::get)
                        .arguments()
                        .get("unit")
                        .asString())
                .isEqualTo("m");
        assertThat(form.bind(Map.of("arg.unit", "2")::get).errors()).containsKey("unit");
    }

    @Test
    void aNumberLongerThanTheLimitIsRefusedBeforeItIsParsed() {
        SchemaForm form = SchemaForm.of(
                Map.of("properties", Map.of("x", Map.of("type", "number"), "n", Map.of("type", "integer"))));

        SchemaForm.Binding binding = form.bind(Map.of("arg.x", "9".repeat(2_000_000), "arg.n", "1".repeat(1001))::get);

        assertThat(binding.errors())
                .containsEntry("x", "has more than 1000 characters")
                .containsEntry("n", "has more than 1000 characters");
        assertThat(form.bind(Map.of("arg.n", "1".repeat(1000))::get).errors()).isEmpty();
    }

    @Test
    void decimalsStayExact() {
        SchemaForm form = SchemaForm.of(Map.of("properties", Map.of("x", Map.of("type", "number"))));

        assertThat(form.bind(Map.of("arg.x", "0.1000000000000000000001")::get)
                        .arguments()
                        .toString())
                .isEqualTo("{\"x\":0.1000000000000000000001}");
    }

    @Test
    void textIsSentAsTypedIncludingSpaces() {
        SchemaForm form = SchemaForm.of(Map.of("properties", Map.of("s", Map.of("type", "string"))));

        assertThat(form.bind(Map.of("arg.s", " 1 + 2 ")::get)
                        .arguments()
                        .get("s")
                        .asString())
                .isEqualTo(" 1 + 2 ");
    }

    @Test
    void aSchemaWithoutPropertiesTakesNoArguments() {
        SchemaForm form = SchemaForm.of(null);

        assertThat(form.fields()).isEmpty();
        assertThat(form.bind(name -> null).arguments().isEmpty()).isTrue();
    }
}
