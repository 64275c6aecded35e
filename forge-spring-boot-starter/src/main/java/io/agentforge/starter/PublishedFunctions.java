package io.agentforge.starter;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.ServiceRegistration;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import tools.jackson.databind.json.JsonMapper;

/** The functions this service publishes, by name: every Spring AI {@code @Tool} method of the application's beans. */
public final class PublishedFunctions {

    private final Map<String, PublishedFunction> byName;

    /** @throws IllegalStateException when two functions share a name (the registry would refuse the registration) */
    public PublishedFunctions(Collection<PublishedFunction> functions) {
        Map<String, PublishedFunction> map = new LinkedHashMap<>();
        functions.stream().sorted(Comparator.comparing(PublishedFunction::name)).forEach(function -> {
            PublishedFunction previous = map.putIfAbsent(function.name(), function);
            if (previous != null) {
                throw new IllegalStateException("Two @Tool methods publish the function '" + function.name() + "': "
                        + previous + " and " + function + "; give one of them another @Tool(name)");
            }
        });
        if (map.size() > ServiceRegistration.MAX_FUNCTIONS) {
            throw new IllegalStateException("A service may publish at most " + ServiceRegistration.MAX_FUNCTIONS
                    + " functions, found " + map.size());
        }
        this.byName = map;
    }

    public static PublishedFunctions none() {
        return new PublishedFunctions(List.of());
    }

    /**
     * Finds the {@code @Tool} methods declared by the singleton beans of a bean factory. Types are read without
     * creating beans; only beans that have {@code @Tool} methods are fetched.
     */
    public static PublishedFunctions scan(ListableBeanFactory beans, JsonMapper mapper) {
        List<PublishedFunction> functions = new ArrayList<>();
        for (String name : beans.getBeanDefinitionNames()) {
            Class<?> type = beans.getType(name, false);
            if (type == null || Proxy.isProxyClass(type) || !beans.isSingleton(name)) {
                continue;
            }
            List<Method> tools = toolMethods(ClassUtils.getUserClass(type));
            if (!tools.isEmpty()) {
                Object bean = beans.getBean(name);
                tools.forEach(method -> functions.add(PublishedFunction.of(bean, method, mapper)));
            }
        }
        return new PublishedFunctions(functions);
    }

    /** The methods Spring AI's {@code MethodToolCallbackProvider} would turn into tools, in declaration order. */
    static List<Method> toolMethods(Class<?> type) {
        return Stream.of(ReflectionUtils.getDeclaredMethods(type))
                .filter(method -> AnnotationUtils.findAnnotation(method, Tool.class) != null)
                .filter(ReflectionUtils.USER_DECLARED_METHODS::matches)
                .filter(method -> !isFunctional(method.getReturnType()))
                .toList();
    }

    private static boolean isFunctional(Class<?> type) {
        return Function.class.isAssignableFrom(type)
                || Supplier.class.isAssignableFrom(type)
                || Consumer.class.isAssignableFrom(type);
    }

    /** All functions, ordered by name. */
    public List<PublishedFunction> all() {
        return List.copyOf(byName.values());
    }

    public Optional<PublishedFunction> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** What the registration advertises, ordered by name. */
    public List<FunctionDescriptor> descriptors() {
        return byName.values().stream().map(PublishedFunction::descriptor).toList();
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    @Override
    public String toString() {
        return "PublishedFunctions" + byName.keySet();
    }
}
