package io.agentforge.console.support;

import io.agentforge.console.tools.ToolGateway;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/** A catalog the test fills, with a scripted function body. */
public final class FakeToolGateway implements ToolGateway {

    /** One call: the function and the arguments the console built from the form. */
    public record Call(String function, JsonNode arguments, String subjectCredential) {}

    private final List<CatalogFunction> functions = new CopyOnWriteArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, JsonNode> body = arguments -> arguments;

    public void clear() {
        functions.clear();
        calls.clear();
        body = arguments -> arguments;
    }

    public FakeToolGateway add(CatalogFunction function) {
        functions.add(function);
        return this;
    }

    public void answer(Function<JsonNode, JsonNode> answer) {
        body = answer;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public List<CatalogFunction> functions() {
        return List.copyOf(functions);
    }

    @Override
    public Optional<CatalogFunction> function(String name) {
        return functions.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    @Override
    public JsonNode invoke(String function, JsonNode arguments, String subjectCredential) {
        calls.add(new Call(function, arguments, subjectCredential));
        return body.apply(arguments);
    }
}
