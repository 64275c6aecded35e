package io.agentforge.starter;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.agentforge.client.Problem;
import io.agentforge.client.RegistryException;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Role;
import jakarta.servlet.ServletContext;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.AbstractMockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

@SpringBootTest(
        classes = FunctionEndpointTests.App.class,
        properties = {
            "spring.application.name=sample",
            // These tests are about the endpoint; tokens are TokenVerificationTests' subject.
            "agentforge.security.accept-api-keys=true",
            "agentforge.functions.max-request-size=1KB",
            "management.endpoints.web.exposure.include=health,prometheus"
        })
@AutoConfigureMockMvc
class FunctionEndpointTests {

    static final String CLIENT_KEY = "af_client001_client-secret-0123456789";
    static final String ROLELESS_KEY = "af_noroles1_noroles-secret-0123456789";
    static final String OUTAGE_KEY = "af_outage01_outage-secret-01234567890";

    @ToolTestApplication
    static class App {

        @Bean
        SampleTools sampleTools() {
            return new SampleTools();
        }

        /** Stands in for the registry's introspection endpoint. */
        @Bean
        ApiKeyVerifier fakeVerifier() {
            return key -> switch (key) {
                case CLIENT_KEY -> new IntrospectionResult(true, "client001", "console", Set.of(Role.CLIENT));
                case ROLELESS_KEY -> new IntrospectionResult(true, "noroles1", "nobody", Set.of());
                case OUTAGE_KEY -> throw new RegistryException(new Problem(0, Problem.UNREACHABLE, null, "down"));
                default -> IntrospectionResult.inactive();
            };
        }
    }

    @Autowired
    MockMvc mvc;

    private ResultActions call(String function, String body) throws Exception {
        return mvc.perform(withKey(post("/forge/functions/" + function))
                .contentType(MediaType.APPLICATION_JSON)
                .content(body));
    }

    private static MockHttpServletRequestBuilder withKey(MockHttpServletRequestBuilder request) {
        return request.header("Authorization", "Bearer " + CLIENT_KEY);
    }

    @Nested
    class Invocation {

        @Test
        void aValidCallAnswersTheResultWithExactDecimals() throws Exception {
            call("sample_add", "{\"a\": 0.1, \"b\": \"0.2\"}")
                    .andExpect(status().isOk())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                    .andExpect(content().json("{\"sum\": 0.3}"));
        }

        @Test
        void digitsBeyondADoubleSurviveTheRoundTrip() throws Exception {
            call("sample_add", "{\"a\": 0.12345678901234567890123, \"b\": 0}")
                    .andExpect(status().isOk())
                    .andExpect(content().string(containsString("0.12345678901234567890123")));
        }

        @Test
        void optionalArgumentsMayBeLeftOut() throws Exception {
            call("sample_greet", "{\"name\": \"Ada\"}")
                    .andExpect(status().isOk())
                    .andExpect(content().json("\"Hello Ada!\""));
            call("sample_greet", "{\"name\": \"Ada\", \"times\": 2}")
                    .andExpect(status().isOk())
                    .andExpect(content().json("\"Hello Ada! Hello Ada!\""));
        }

        @Test
        void nestedRecordsAreConvertedAndEchoed() throws Exception {
            call("sample_point", "{\"point\": {\"x\": 1, \"y\": 2, \"tags\": [\"a\"]}}")
                    .andExpect(status().isOk())
                    .andExpect(content().json("{\"x\": 1, \"y\": 2, \"tags\": [\"a\"]}"));
        }

        @Test
        void anEmptyBodyMeansNoArguments() throws Exception {
            mvc.perform(withKey(post("/forge/functions/sample_nothing"))).andExpect(status().isOk());
        }

        @Test
        void theToolSeesTheVerifiedCaller() throws Exception {
            call("sample_whoami", "{}")
                    .andExpect(status().isOk())
                    .andExpect(content().json("\"console\""));
        }

        @Test
        void thePublishedFunctionsAreListed() throws Exception {
            mvc.perform(withKey(get("/forge/functions")))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$[*].name", hasItem("sample_add")))
                    .andExpect(jsonPath("$[?(@.name == 'sample_add')].inputSchema.required[*]", hasItem("a")));
        }
    }

    @Nested
    class BadRequests {

        @Test
        void aMissingRequiredArgumentIsNamed() throws Exception {
            call("sample_add", "{\"a\": 1}")
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:validation"))
                    .andExpect(jsonPath("$.field").value("b"))
                    .andExpect(jsonPath("$.detail").value("'b' is required"));
        }

        @Test
        void anArgumentOfTheWrongTypeIsNamed() throws Exception {
            call("sample_greet", "{\"name\": \"Ada\", \"times\": \"twice\"}")
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.field").value("times"))
                    .andExpect(jsonPath("$.detail").value("'times' must be an integer but is a string"));
        }

        @Test
        void aNonNumericStringForADecimalIsNamed() throws Exception {
            call("sample_add", "{\"a\": \"one\", \"b\": 1}")
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.field").value("a"));
        }

        @Test
        void aNestedViolationIsNamedByItsPath() throws Exception {
            call("sample_point", "{\"point\": {\"x\": 1, \"y\": 2, \"tags\": [\"a\", 7]}}")
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.field").value("point.tags[1]"));
        }

        @Test
        void anUnknownArgumentIsRefused() throws Exception {
            call("sample_add", "{\"a\": 1, \"b\": 2, \"c\": 3}")
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.field").value("c"))
                    .andExpect(jsonPath("$.detail").value(containsString("expected: a, b")));
        }

        @Test
        void aNumberNoDecimalCanHoldIsABadRequest() throws Exception {
            call("sample_add", "{\"a\": 1e99999999999, \"b\": 1}")
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:malformed-request"))
                    .andExpect(jsonPath("$.detail").value(containsString("out of range")));
        }

        @Test
        void malformedJsonIsABadRequest() throws Exception {
            call("sample_add", "{\"a\": 1,")
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:malformed-request"));
        }

        @Test
        void duplicateKeysAreMalformed() throws Exception {
            call("sample_add", "{\"a\": 1, \"a\": 2, \"b\": 3}")
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:malformed-request"));
        }

        @Test
        void argumentsMustBeAnObject() throws Exception {
            call("sample_add", "[1, 2]")
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.detail").value(containsString("not an array")));
        }

        @Test
        void anUnknownFunctionIsNotFound() throws Exception {
            call("sample_missing", "{}")
                    .andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:not-found"))
                    .andExpect(jsonPath("$.detail").value(containsString("sample_add")));
        }

        @Test
        void argumentsAboveTheSizeLimitAreRefused() throws Exception {
            call("sample_greet", "{\"name\": \"" + "x".repeat(2048) + "\"}")
                    .andExpect(status().isContentTooLarge())
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:payload-too-large"));
        }

        @Test
        void chunkedArgumentsAboveTheSizeLimitAreRefusedWhileRead() throws Exception {
            byte[] body = ("{\"name\": \"" + "x".repeat(2048) + "\"}").getBytes(StandardCharsets.UTF_8);
            mvc.perform(new UndeclaredLength()
                            .uri("/forge/functions/sample_greet")
                            .header("Authorization", "Bearer " + CLIENT_KEY)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(body))
                    .andExpect(status().isContentTooLarge())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:payload-too-large"))
                    .andExpect(jsonPath("$.detail")
                            .value("The arguments of more than 1024 bytes exceed the limit of 1024 bytes"));
        }
    }

    @Nested
    class ToolErrors {

        @Test
        void aBugInTheToolIsAnInternalErrorThatShowsNothingOfIt() throws Exception {
            call("sample_broken", "{\"input\": \"x\"}")
                    .andExpect(status().isInternalServerError())
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:internal"))
                    .andExpect(jsonPath("$.detail").value("The function failed unexpectedly; it has been logged"));
        }

        @Test
        void anExceptionFromTheToolIsUnprocessableWithItsMessage() throws Exception {
            call("sample_greet", "{\"name\": \" \"}")
                    .andExpect(status().isUnprocessableContent())
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:tool-error"))
                    .andExpect(jsonPath("$.detail").value("name must not be blank"));
        }

        @Test
        void aToolProblemKeepsItsStatusTypeAndMembers() throws Exception {
            call("sample_refuse", "{\"input\": \"now\"}")
                    .andExpect(status().isConflict())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:sample-refused"))
                    .andExpect(jsonPath("$.title").value("Refused"))
                    .andExpect(jsonPath("$.detail").value("No way: now"))
                    .andExpect(jsonPath("$.position").value(3));
        }
    }

    @Nested
    class Keys {

        @Test
        void aCallWithoutAKeyIsUnauthorized() throws Exception {
            mvc.perform(post("/forge/functions/sample_add")
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"a\": 1, \"b\": 2}"))
                    .andExpect(status().isUnauthorized())
                    .andExpect(header().string("WWW-Authenticate", containsString("Bearer")))
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:unauthorized"));
        }

        @Test
        void theListIsProtectedToo() throws Exception {
            mvc.perform(get("/forge/functions")).andExpect(status().isUnauthorized());
        }

        @Test
        void anInactiveKeyIsUnauthorized() throws Exception {
            mvc.perform(post("/forge/functions/sample_add")
                            .header("Authorization", "Bearer af_unknown1_unknown-secret-0123456789")
                            .content("{\"a\": 1, \"b\": 2}"))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.detail").value(containsString("not valid")));
        }

        @Test
        void aKeyWithoutARoleIsForbidden() throws Exception {
            mvc.perform(post("/forge/functions/sample_add")
                            .header("X-API-Key", ROLELESS_KEY)
                            .content("{\"a\": 1, \"b\": 2}"))
                    .andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:forbidden"));
        }

        @Test
        void aKeyThatCannotBeCheckedIsRefusedAsUnavailable() throws Exception {
            mvc.perform(post("/forge/functions/sample_add")
                            .header("Authorization", "Bearer " + OUTAGE_KEY)
                            .content("{\"a\": 1, \"b\": 2}"))
                    .andExpect(status().isServiceUnavailable())
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:unavailable"));
        }

        @Test
        void theXApiKeyHeaderIsAccepted() throws Exception {
            mvc.perform(post("/forge/functions/sample_add")
                            .header("X-API-Key", CLIENT_KEY)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"a\": 1, \"b\": 2}"))
                    .andExpect(status().isOk());
        }

        @Test
        void healthStaysPublic() throws Exception {
            mvc.perform(get("/actuator/health")).andExpect(status().isOk());
        }
    }

    @Nested
    class Documentation {

        @Test
        void eachFunctionIsAnOperationWithItsInputSchema() throws Exception {
            mvc.perform(get("/v3/api-docs"))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.paths['/forge/functions/sample_add'].post.operationId")
                            .value("sample_add"))
                    .andExpect(jsonPath(
                            "$.paths['/forge/functions/sample_add'].post.requestBody.content"
                                    + "['application/json'].schema.required[*]",
                            hasItem("b")))
                    .andExpect(jsonPath(
                            "$.paths['/forge/functions/sample_add'].post.requestBody.content"
                                    + "['application/json'].schema.properties.a.type",
                            hasItem("string")))
                    .andExpect(jsonPath("$.paths['/forge/functions/sample_add'].post.security[0]['agentforge-key']")
                            .exists())
                    .andExpect(jsonPath("$.paths['/forge/functions/{name}']").doesNotExist());
        }

        @Test
        void theDocumentIsPublic() throws Exception {
            mvc.perform(get("/v3/api-docs")).andExpect(status().isOk());
        }
    }

    /** Sends its body without Content-Length, as a chunked one is: only reading it tells its size. */
    private static final class UndeclaredLength extends AbstractMockHttpServletRequestBuilder<UndeclaredLength> {

        UndeclaredLength() {
            super(HttpMethod.POST);
        }

        @Override
        protected MockHttpServletRequest createServletRequest(ServletContext servletContext) {
            return new MockHttpServletRequest(servletContext) {
                @Override
                public int getContentLength() {
                    return -1;
                }
            };
        }
    }
}
