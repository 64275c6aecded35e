package io.agentforge.registry.search;

import io.agentforge.registry.api.Catalog.CatalogFunction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What a function is searched by: its name split on {@code _}, its description, and the names and descriptions of
 * its input parameters (nested objects and arrays included, a few levels deep).
 *
 * @param lexical  the text BM25 indexes; the name comes twice, as a name says more per word than a description
 * @param terms    {@code lexical} as {@link Words#terms} cuts it
 * @param semantic the sentence the embedding model reads: name and description. Adding the parameters made the
 *                 labelled benchmark worse (bench/search): their words pull short questions towards long schemas,
 *                 and BM25 already matches them
 * @param hash     identifies {@code semantic} and the model: a changed description or schema gets a new vector
 */
record FunctionText(String lexical, List<String> terms, String semantic, String hash) {

    private static final int MAX_DEPTH = 4;

    static FunctionText of(CatalogFunction function, String modelId) {
        String name = function.name().replace('_', ' ');
        List<String> parameters = new ArrayList<>();
        parameters(function.inputSchema(), parameters, 0);
        StringBuilder lexical =
                new StringBuilder(name).append(". ").append(name).append(". ").append(function.description());
        for (String parameter : parameters) {
            lexical.append(' ').append(parameter);
        }
        String sentence = name + ": " + function.description();
        return new FunctionText(
                lexical.toString(),
                List.copyOf(Words.terms(lexical.toString())),
                sentence,
                sha256(modelId + "\n" + sentence));
    }

    @SuppressWarnings("unchecked")
    private static void parameters(Object schema, List<String> out, int depth) {
        if (!(schema instanceof Map<?, ?> map) || depth > MAX_DEPTH) {
            return;
        }
        if (map.get("properties") instanceof Map<?, ?> properties) {
            properties.forEach((key, value) -> {
                String text = String.valueOf(key).replace('_', ' ');
                if (value instanceof Map<?, ?> property
                        && property.get("description") instanceof String description
                        && !description.isBlank()) {
                    text = text + " (" + description.strip() + ")";
                }
                out.add(text);
                parameters(value, out, depth + 1);
            });
        }
        if (map.get("items") instanceof Map<?, ?> items) {
            parameters(items, out, depth + 1);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
