package io.agentforge.calculator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The calculator's HTTP contract: each function, its refusals as problem details, and the public endpoints. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"agentforge.enabled=false", "agentforge.security.enabled=false"})
class CalculatorHttpTests {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    int port;

    record Answer(int status, String contentType, JsonNode body) {

        String text(String field) {
            return body.path(field).asString();
        }
    }

    private Answer call(String function, String arguments) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri("/forge/functions/" + function))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(arguments)));
    }

    private Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        // A hang would fail here rather than stall the build.
        HttpResponse<String> response =
                HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        JsonNode body = contentType.contains("json") ? MAPPER.readTree(response.body()) : MAPPER.nullNode();
        return new Answer(response.statusCode(), contentType, body);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Nested
    class Functions {

        @Test
        void additionIsExact() throws Exception {
            Answer answer = call("calculator_add", "{\"a\": 0.1, \"b\": 0.2}");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text("result")).isEqualTo("0.3");
            assertThat(answer.text("expression")).isEqualTo("0.1 + 0.2");
        }

        @Test
        void numbersMayTravelAsStringsWithEveryDigit() throws Exception {
            Answer answer = call("calculator_add", "{\"a\": \"0.1000000000000000000000000000001\", \"b\": \"0.2\"}");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text("result")).isEqualTo("0.3000000000000000000000000000001");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', textBlock = """
                calculator_subtract | {"a": 1, "b": 0.9}          | 0.1
                calculator_multiply | {"a": "1.5", "b": -2}       | -3
                calculator_divide   | {"a": 1, "b": 3}            | 0.3333333333333333333333333333333333
                calculator_power    | {"base": 2, "exponent": 10} | 1024
                calculator_power    | {"base": -2, "exponent": 3} | -8
                calculator_sqrt     | {"x": 2}                    | 1.414213562373095048801688724209698
                calculator_modulo   | {"a": -7, "b": 3}           | -1
                calculator_evaluate | {"expression": "(0.1 + 0.2) * 3"} | 0.9
                calculator_evaluate | {"expression": "2^3^2"}     | 512
                """)
        void eachFunctionComputes(String function, String arguments, String expected) throws Exception {
            Answer answer = call(function, arguments);
            assertThat(answer.status()).as(function + " " + arguments).isEqualTo(200);
            assertThat(answer.text("result")).isEqualTo(expected);
        }

        @Test
        void theExpressionShowsNegativeOperandsInParentheses() throws Exception {
            assertThat(call("calculator_power", "{\"base\": -2, \"exponent\": 2}")
                            .text("expression"))
                    .isEqualTo("(-2) ^ 2");
        }

        @Test
        void allEightFunctionsAreListed() throws Exception {
            Answer answer = get("/forge/functions");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body().findValuesAsString("name"))
                    .containsExactly(
                            "calculator_add",
                            "calculator_divide",
                            "calculator_evaluate",
                            "calculator_modulo",
                            "calculator_multiply",
                            "calculator_power",
                            "calculator_sqrt",
                            "calculator_subtract");
        }
    }

    @Nested
    class Refusals {

        @Test
        void divisionByZeroIsUnprocessableWithItsPosition() throws Exception {
            Answer answer = call("calculator_evaluate", "{\"expression\": \"1 / 0\"}");
            assertThat(answer.status()).isEqualTo(422);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.text("type")).isEqualTo("urn:agentforge:problem:calculation-division-by-zero");
            assertThat(answer.body().path("position").asInt(-1)).isEqualTo(2);
            assertThat(answer.text("detail")).isEqualTo("Division by zero at position 2");
        }

        @Test
        void theTypedDivisionByZeroIsUnprocessableToo() throws Exception {
            Answer answer = call("calculator_divide", "{\"a\": 1, \"b\": 0}");
            assertThat(answer.status()).isEqualTo(422);
            assertThat(answer.text("type")).isEqualTo("urn:agentforge:problem:calculation-division-by-zero");
            assertThat(answer.body().has("position")).isFalse();
        }

        @Test
        void aSyntaxErrorIsABadRequestNamingThePosition() throws Exception {
            Answer answer = call("calculator_evaluate", "{\"expression\": \"1 +\"}");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.text("type")).isEqualTo("urn:agentforge:problem:calculation-syntax");
            assertThat(answer.body().path("position").asInt(-1)).isEqualTo(3);
        }

        @Test
        void aTowerOfPowersIsRefusedNotComputed() throws Exception {
            Answer answer = call("calculator_evaluate", "{\"expression\": \"9^9^9^9\"}");
            assertThat(answer.status()).isEqualTo(422);
            assertThat(answer.text("type")).isEqualTo("urn:agentforge:problem:calculation-too-large");
        }

        @Test
        void deepNestingAndLongExpressionsAreBadRequests() throws Exception {
            String deep = "(".repeat(100) + "1" + ")".repeat(100);
            assertThat(call("calculator_evaluate", "{\"expression\": \"" + deep + "\"}")
                            .text("type"))
                    .isEqualTo("urn:agentforge:problem:calculation-too-deep");
            String longOne = "1+".repeat(600) + "1";
            Answer answer = call("calculator_evaluate", "{\"expression\": \"" + longOne + "\"}");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.text("type")).isEqualTo("urn:agentforge:problem:calculation-too-long");
        }

        @Test
        void sixtySixRemaindersAndPowersOn10ToThePlusMinus10000AreAnswered() throws Exception {
            // 10^20000 mod 7 = 2, so each remainder is 2e-10000 and each power 1e-10000.
            String expression = String.join("+", java.util.Collections.nCopies(33, "1e10000%7e-10000+1e10000^-1"));
            Answer answer = call("calculator_evaluate", "{\"expression\": \"" + expression + "\"}");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text("result")).isEqualTo("9.9E-9999");
        }

        @Test
        void anExpressionBeyondTheWorkLimitIsABadRequestNamingTheLimit() throws Exception {
            String expression = String.join("+", java.util.Collections.nCopies(100, "7^999"));
            Answer answer = call("calculator_evaluate", "{\"expression\": \"" + expression + "\"}");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.text("type")).isEqualTo("urn:agentforge:problem:calculation-too-complex");
            assertThat(answer.text("detail"))
                    .startsWith("Expression needs more than 100000 digits of intermediate values");
            assertThat(answer.body().path("position").asInt(-1)).isPositive();
        }

        @Test
        void theSquareRootOfANegativeNumberIsOutsideTheDomain() throws Exception {
            Answer answer = call("calculator_sqrt", "{\"x\": -1}");
            assertThat(answer.status()).isEqualTo(422);
            assertThat(answer.text("type")).isEqualTo("urn:agentforge:problem:calculation-domain");
        }

        @Test
        void anOperandBeyondTheLimitsIsOutOfRange() throws Exception {
            Answer answer = call("calculator_multiply", "{\"a\": \"1e999999\", \"b\": 10}");
            assertThat(answer.status()).isEqualTo(422);
            assertThat(answer.text("type")).isEqualTo("urn:agentforge:problem:calculation-too-large");
        }

        @Test
        void malformedJsonIsABadRequest() throws Exception {
            Answer answer = call("calculator_add", "{\"a\": 0.1, ");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.text("type")).isEqualTo("urn:agentforge:problem:malformed-request");
        }

        @Test
        void aWrongTypeIsABadRequestNamingTheField() throws Exception {
            Answer answer = call("calculator_add", "{\"a\": true, \"b\": 1}");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.text("type")).isEqualTo("urn:agentforge:problem:validation");
            assertThat(answer.text("field")).isEqualTo("a");
            assertThat(answer.text("detail")).startsWith("'a' must be a number or a string");
        }

        @Test
        void aStringThatIsNotANumberIsABadRequestNamingTheField() throws Exception {
            Answer answer = call("calculator_add", "{\"a\": \"ten\", \"b\": 1}");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.text("field")).isEqualTo("a");
        }

        @Test
        void anExpressionMustBeAString() throws Exception {
            Answer answer = call("calculator_evaluate", "{\"expression\": 5}");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.text("field")).isEqualTo("expression");
        }

        @Test
        void aMissingArgumentIsNamed() throws Exception {
            Answer answer = call("calculator_divide", "{\"a\": 1}");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.text("field")).isEqualTo("b");
        }

        @Test
        void anUnknownFunctionIsNotFound() throws Exception {
            Answer answer = call("calculator_factorial", "{\"x\": 5}");
            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.text("type")).isEqualTo("urn:agentforge:problem:not-found");
        }
    }

    @Nested
    class PublicEndpoints {

        @Test
        void healthIsUp() throws Exception {
            Answer answer = get("/actuator/health");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text("status")).isEqualTo("UP");
        }

        @Test
        void metricsAreExposedForPrometheus() throws Exception {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(uri("/actuator/prometheus"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("jvm_memory_used_bytes");
        }

        @Test
        void theApiDocumentHasAnOperationPerFunction() throws Exception {
            Answer answer = get("/v3/api-docs");
            assertThat(answer.status()).isEqualTo(200);
            JsonNode evaluate = answer.body()
                    .path("paths")
                    .path("/forge/functions/calculator_evaluate")
                    .path("post");
            assertThat(evaluate.path("operationId").asString()).isEqualTo("calculator_evaluate");
            assertThat(evaluate.path("requestBody")
                            .path("content")
                            .path("application/json")
                            .path("schema")
                            .path("required")
                            .get(0)
                            .asString())
                    .isEqualTo("expression");
            assertThat(answer.body().path("paths").propertyNames())
                    .filteredOn(p -> p.startsWith("/forge/functions/"))
                    .hasSize(8);
        }
    }
}
