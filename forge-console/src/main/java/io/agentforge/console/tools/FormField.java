package io.agentforge.console.tools;

import java.util.List;

/**
 * One input of a function's try-it form, derived from a property of its JSON input schema.
 *
 * @param name        the property name (the argument's key)
 * @param type        how the value is entered and converted back to JSON
 * @param options     the allowed values of an enum
 * @param example     a default or example value to show as a placeholder, or empty
 * @param schemaType  the schema's type as written, for the label ("string", "integer", …)
 */
public record FormField(
        String name,
        Type type,
        boolean required,
        String description,
        List<Option> options,
        String example,
        String schemaType,
        String minimum,
        String maximum) {

    public FormField {
        description = description == null ? "" : description;
        options = options == null ? List.of() : List.copyOf(options);
        example = example == null ? "" : example;
        minimum = minimum == null ? "" : minimum;
        maximum = maximum == null ? "" : maximum;
    }

    /** The form parameter that carries this field (prefixed so it never clashes with the CSRF field). */
    public String parameter() {
        return "arg." + name;
    }

    /** A stable element id within one function's form. */
    public String id(String function) {
        return "f-" + function + "-" + name.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /**
     * One allowed value of an enum.
     *
     * @param label what the user sees
     * @param json  the value as JSON text, submitted and parsed back so a numeric enum stays a number
     */
    public record Option(String label, String json) {}

    /** How a field is entered. */
    public enum Type {
        TEXT,
        INTEGER,
        NUMBER,
        BOOLEAN,
        ENUM,
        JSON;

        public boolean is(String name) {
            return name().equals(name);
        }
    }
}
