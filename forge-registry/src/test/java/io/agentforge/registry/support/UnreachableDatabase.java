package io.agentforge.registry.support;

import io.agentforge.registry.instance.InstanceStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** A store whose database goes away on demand: for the outage behaviour of the parts that read it. */
public final class UnreachableDatabase {

    private UnreachableDatabase() {}

    /**
     * {@code store}, except that the {@code methods} named fail as a lost database connection does while {@code down}
     * says so; {@code onRead} hears of every call to them, failed or not.
     */
    public static InstanceStore failing(
            InstanceStore store, BooleanSupplier down, Set<String> methods, Runnable onRead) {
        return (InstanceStore) Proxy.newProxyInstance(
                InstanceStore.class.getClassLoader(), new Class<?>[] {InstanceStore.class}, (proxy, method, args) -> {
                    if (methods.contains(method.getName())) {
                        onRead.run();
                        if (down.getAsBoolean()) {
                            throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection");
                        }
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** As {@link #failing(InstanceStore, BooleanSupplier, Set, Runnable)}, without listening. */
    public static InstanceStore failing(InstanceStore store, BooleanSupplier down, Set<String> methods) {
        return failing(store, down, methods, () -> {});
    }
}
