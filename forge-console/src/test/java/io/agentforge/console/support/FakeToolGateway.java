package io.agentforge.console.support;

import io.agentforge.client.FunctionSearch;
import io.agentforge.client.RegistryUnreachableException;
import io.agentforge.console.tools.ToolGateway;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.FunctionMatch;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    private final List<String> searches = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, JsonNode> body = arguments -> arguments;

    public void clear() {
        functions.clear();
        calls.clear();
        searches.clear();
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

    /**
     * Stands in for the registry's ranking: functions whose name or description holds a word of the query, the most
     * such words first; a query of "fail" answers the registry's refusal.
     */
    @Override
    public List<FunctionMatch> search(String query, int k) {
        searches.add(query);
        FunctionSearch.of(query, k); // refuses what the real client refuses
        if (query.equals("fail")) {
            throw new RegistryUnreachableException("GET /api/v1/catalog/search got no answer (ConnectException)", null);
        }
        List<String> words = List.of(query.toLowerCase(Locale.ROOT).split("\\W+"));
        return functions.stream()
                .map(f -> Map.entry(
                        f,
                        words.stream()
                                .filter(w -> !w.isEmpty()
                                        && (f.name() + " " + f.description())
                                                .toLowerCase(Locale.ROOT)
                                                .contains(w))
                                .count()))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<CatalogFunction, Long>comparingByValue().reversed())
                .limit(k)
                .map(e -> new FunctionMatch(
                        e.getKey().name(),
                        e.getKey().service(),
                        e.getKey().description(),
                        e.getKey().inputSchema(),
                        e.getKey().outputSchema(),
                        e.getValue(),
                        e.getValue(),
                        null))
                .toList();
    }

    public List<String> searches() {
        return List.copyOf(searches);
    }

    @Override
    public JsonNode invoke(String function, JsonNode arguments, String subjectCredential) {
        calls.add(new Call(function, arguments, subjectCredential));
        return body.apply(arguments);
    }
}
