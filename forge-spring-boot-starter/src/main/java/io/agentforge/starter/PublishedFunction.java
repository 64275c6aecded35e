package io.agentforge.starter;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.InvalidFieldException;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.DefaultToolCallResultConverter;
import org.springframework.ai.tool.execution.ToolCallResultConverter;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.ai.tool.support.ToolDefinitions;
import org.springframework.ai.tool.support.ToolUtils;
import org.springframework.ai.util.json.schema.JsonSchemaGenerator;
import org.springframework.aop.support.AopUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One Spring AI {@code @Tool} method published as a registry function: its {@link FunctionDescriptor} (name,
 * description, and the JSON Schemas Spring AI generates from the method signature) and the means to run it.
 *
 * <p>Arguments are converted with the application's Jackson mapper, reading JSON numbers as exact decimals. A
 * {@link BigDecimal} or {@link BigInteger} parameter is published as accepting a JSON number or a numeric string,
 * so callers whose JSON numbers are doubles can still pass every digit. A {@link ToolContext} parameter receives
 * the verified caller under {@link #CALLER_CONTEXT_KEY}.
 */
public final class PublishedFunction {

    /** Key of the verified {@link ForgeCaller} in the {@link ToolContext}, absent when callers are not checked. */
    public static final String CALLER_CONTEXT_KEY = "agentforge.caller";

    // Possessive quantifiers: the matcher never backtracks, so a long hostile string costs linear time.
    static final String DECIMAL_PATTERN = "^[+-]?(?:[0-9]++(?:\\.[0-9]*+)?|\\.[0-9]++)(?:[eE][+-]?[0-9]++)?$";
    /** Longest numeric string accepted for an exact number (Jackson's own limit for JSON numbers is 1000). */
    static final int MAX_NUMBER_STRING = 1000;

    static final String INTEGER_PATTERN = "^[+-]?[0-9]+$";
    private static final TypeReference<LinkedHashMap<String, Object>> SCHEMA = new TypeReference<>() {};

    private final FunctionDescriptor descriptor;
    private final Object bean;
    private final Method method;
    private final List<Argument> arguments;
    private final ToolCallResultConverter resultConverter;
    private final ArgumentValidator validator;
    private final JsonMapper mapper;

    private PublishedFunction(
            FunctionDescriptor descriptor,
            Object bean,
            Method method,
            List<Argument> arguments,
            ToolCallResultConverter resultConverter,
            JsonMapper mapper) {
        this.descriptor = descriptor;
        this.bean = bean;
        this.method = method;
        this.arguments = arguments;
        this.resultConverter = resultConverter;
        this.mapper = mapper;
        this.validator = new ArgumentValidator(mapper.valueToTree(descriptor.inputSchema()));
    }

    /**
     * Describes a {@code @Tool} method of a bean.
     *
     * @param mapper reads arguments and writes results; should read floats as {@link BigDecimal}
     * @throws IllegalStateException when the method can't be published (name or schema the registry would refuse)
     */
    public static PublishedFunction of(Object bean, Method method, JsonMapper mapper) {
        Objects.requireNonNull(bean, "bean");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(mapper, "mapper");
        String where = ClassUtils.getUserClass(bean).getSimpleName() + "." + method.getName();
        ToolDefinition definition = ToolDefinitions.from(method);
        Map<String, Object> input = mapper.readValue(definition.inputSchema(), SCHEMA);
        List<Argument> arguments = new ArrayList<>();
        for (Parameter parameter : method.getParameters()) {
            boolean context = ToolContext.class.isAssignableFrom(parameter.getType());
            arguments.add(new Argument(
                    parameter.getName(),
                    mapper.constructType(parameter.getParameterizedType()),
                    parameter.getType(),
                    context));
            if (!context) {
                widenExactNumber(input, parameter);
            }
        }
        FunctionDescriptor descriptor;
        try {
            descriptor = new FunctionDescriptor(
                    definition.name(), definition.description(), input, outputSchema(method, mapper));
        } catch (InvalidFieldException e) {
            throw new IllegalStateException(
                    "@Tool method " + where + " can't be published as a registry function: " + e.getMessage(), e);
        }
        ToolCallResultConverter converter = ToolUtils.getToolCallResultConverter(method);
        Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
        ReflectionUtils.makeAccessible(invocable);
        return new PublishedFunction(
                descriptor,
                bean,
                invocable,
                List.copyOf(arguments),
                converter instanceof DefaultToolCallResultConverter ? null : converter,
                mapper);
    }

    public String name() {
        return descriptor.name();
    }

    public FunctionDescriptor descriptor() {
        return descriptor;
    }

    /** What is wrong with the arguments according to the input schema; empty when they fit. */
    List<ArgumentValidator.Violation> validate(JsonNode arguments) {
        return validator.validate(arguments);
    }

    /**
     * Runs the method with validated arguments.
     *
     * @param caller the verified caller, null when callers are not checked
     * @return the result as JSON ({@code null} node for {@code void} and null results)
     * @throws ArgumentConversionException an argument fits the schema but not the parameter's Java type
     * @throws ToolFailedException         the method threw; its exception is the cause
     */
    JsonNode invoke(JsonNode input, ForgeCaller caller) {
        Object[] values = new Object[arguments.size()];
        for (int i = 0; i < values.length; i++) {
            Argument argument = arguments.get(i);
            values[i] = argument.context() ? context(caller) : argument.convert(input.get(argument.name()), mapper);
        }
        Object result;
        try {
            result = method.invoke(bean, values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ToolExecutionException wrapped && wrapped.getCause() != null) {
                cause = wrapped.getCause();
            }
            throw new ToolFailedException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot call " + method, e);
        }
        if (resultConverter != null) {
            String text = resultConverter.convert(result, method.getGenericReturnType());
            try {
                return mapper.readTree(text);
            } catch (JacksonException e) {
                return mapper.getNodeFactory().stringNode(text);
            }
        }
        return result == null ? mapper.nullNode() : mapper.valueToTree(result);
    }

    private static ToolContext context(ForgeCaller caller) {
        Map<String, Object> context = new HashMap<>();
        if (caller != null) {
            context.put(CALLER_CONTEXT_KEY, caller);
        }
        return new ToolContext(context);
    }

    /** JSON numbers are often doubles on the wire; a numeric string carries every digit of an exact decimal. */
    @SuppressWarnings("unchecked")
    private static void widenExactNumber(Map<String, Object> schema, Parameter parameter) {
        boolean decimal = parameter.getType() == BigDecimal.class;
        if (!decimal && parameter.getType() != BigInteger.class) {
            return;
        }
        if (schema.get("properties") instanceof Map<?, ?> properties
                && properties.get(parameter.getName()) instanceof Map<?, ?> property) {
            Map<String, Object> widened = (Map<String, Object>) property;
            widened.put("type", List.of(decimal ? "number" : "integer", "string"));
            widened.put("pattern", decimal ? DECIMAL_PATTERN : INTEGER_PATTERN);
            widened.put("maxLength", MAX_NUMBER_STRING);
            widened.putIfAbsent(
                    "description",
                    decimal
                            ? "A decimal number: a JSON number or a numeric string such as \"0.1\" (strings keep every digit)"
                            : "An integer: a JSON number or a string of digits (strings keep every digit)");
        }
    }

    private static Map<String, Object> outputSchema(Method method, JsonMapper mapper) {
        Class<?> returned = method.getReturnType();
        if (returned == void.class || returned == Void.class) {
            return null;
        }
        try {
            Map<String, Object> schema =
                    mapper.readValue(JsonSchemaGenerator.generateForType(method.getGenericReturnType()), SCHEMA);
            return schema.isEmpty() ? null : schema;
        } catch (RuntimeException e) {
            // An output schema is a courtesy to callers; a type the generator can't describe goes without one.
            return null;
        }
    }

    @Override
    public String toString() {
        return "PublishedFunction[" + descriptor.name() + " -> "
                + method.getDeclaringClass().getSimpleName() + "." + method.getName() + "]";
    }

    private record Argument(String name, JavaType type, Class<?> rawType, boolean context) {

        Object convert(JsonNode value, JsonMapper mapper) {
            if (value == null || value.isNull()) {
                // Only optional parameters get here (the schema requires the rest); primitives take their zero.
                return rawType.isPrimitive() ? Array.get(Array.newInstance(rawType, 1), 0) : null;
            }
            try {
                return mapper.treeToValue(value, type);
            } catch (JacksonException e) {
                throw new ArgumentConversionException(name + path(e), firstLine(e.getOriginalMessage()));
            }
        }

        private static String path(JacksonException e) {
            StringBuilder path = new StringBuilder();
            for (JacksonException.Reference reference : e.getPath()) {
                if (reference.getPropertyName() != null) {
                    path.append('.').append(reference.getPropertyName());
                } else if (reference.getIndex() >= 0) {
                    path.append('[').append(reference.getIndex()).append(']');
                }
            }
            return path.toString();
        }

        private static String firstLine(String message) {
            if (message == null) {
                return "has an unusable value";
            }
            int newline = message.indexOf('\n');
            String line = newline < 0 ? message : message.substring(0, newline);
            return line.length() > 200 ? line.substring(0, 197) + "..." : line;
        }
    }
}
