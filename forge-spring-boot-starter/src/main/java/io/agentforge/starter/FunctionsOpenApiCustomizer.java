package io.agentforge.starter;

import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;

/** Documents each published function as its own operation, {@code POST /forge/functions/<name>}, with its schemas. */
class FunctionsOpenApiCustomizer implements OpenApiCustomizer {

    static final String TAG = "functions";
    static final String SECURITY_SCHEME = "agentforge-key";
    private static final String PROBLEM_JSON = "application/problem+json";

    private final PublishedFunctions functions;
    private final boolean secured;
    private final long maxRequestSize;

    FunctionsOpenApiCustomizer(PublishedFunctions functions, boolean secured, long maxRequestSize) {
        this.functions = functions;
        this.secured = secured;
        this.maxRequestSize = maxRequestSize;
    }

    @Override
    public void customise(OpenAPI openApi) {
        if (functions.isEmpty()) {
            return;
        }
        boolean v31 = openApi.getSpecVersion() == SpecVersion.V31;
        if (openApi.getPaths() == null) {
            openApi.setPaths(new Paths());
        }
        if (secured) {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            openApi.getComponents()
                    .addSecuritySchemes(
                            SECURITY_SCHEME,
                            new SecurityScheme()
                                    .type(SecurityScheme.Type.HTTP)
                                    .scheme("bearer")
                                    .description(
                                            "An Agent Forge API key af_<keyId>_<secret> with any role; X-API-Key works too"));
        }
        for (PublishedFunction function : functions.all()) {
            openApi.getPaths()
                    .addPathItem(
                            FunctionInvocationController.PATH + "/" + function.name(),
                            new PathItem().post(operation(function, v31)));
        }
    }

    private Operation operation(PublishedFunction function, boolean v31) {
        var descriptor = function.descriptor();
        ApiResponses responses = new ApiResponses()
                .addApiResponse("200", json("The function's result", descriptor.outputSchema(), v31))
                .addApiResponse(
                        "400",
                        problem("Malformed JSON, or arguments that break the input schema (the"
                                + " problem names the field); tools may add kinds of their own"))
                .addApiResponse("413", problem("Arguments larger than " + maxRequestSize + " bytes"))
                .addApiResponse("422", problem("The tool refused the call (its problem type says why)"));
        if (secured) {
            responses
                    .addApiResponse("401", problem("Missing, unknown or revoked API key"))
                    .addApiResponse("403", problem("The API key has no role"))
                    .addApiResponse("503", problem("The API key could not be checked right now"));
        }
        Operation operation = new Operation()
                .operationId(descriptor.name())
                .summary(firstSentence(descriptor.description()))
                .description(descriptor.description())
                .addTagsItem(TAG)
                .requestBody(new RequestBody()
                        .required(true)
                        .content(new Content()
                                .addMediaType(
                                        "application/json",
                                        new MediaType().schema(schema(descriptor.inputSchema(), v31)))))
                .responses(responses);
        if (secured) {
            operation.addSecurityItem(new SecurityRequirement().addList(SECURITY_SCHEME));
        }
        return operation;
    }

    private static ApiResponse json(String description, Map<String, Object> schema, boolean v31) {
        ApiResponse response = new ApiResponse().description(description);
        MediaType media = new MediaType();
        if (schema != null) {
            media.schema(schema(schema, v31));
        }
        return response.content(new Content().addMediaType("application/json", media));
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content().addMediaType(PROBLEM_JSON, new MediaType()));
    }

    /** The function's JSON Schema as an OpenAPI schema object (3.1 takes JSON Schema 2020-12 as it is). */
    @SuppressWarnings("rawtypes")
    private static Schema schema(Map<String, Object> jsonSchema, boolean v31) {
        Map<String, Object> copy = new LinkedHashMap<>(jsonSchema);
        // Meaningless inside an OpenAPI document, whose dialect is set once for all schemas.
        copy.remove("$schema");
        return v31
                ? Json31.mapper().convertValue(copy, Schema.class)
                : Json.mapper().convertValue(copy, Schema.class);
    }

    private static String firstSentence(String text) {
        int end = text.indexOf(". ");
        String sentence = end < 0 ? text : text.substring(0, end + 1);
        return sentence.length() <= 120 ? sentence : sentence.substring(0, 117) + "...";
    }
}
