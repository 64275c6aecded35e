package io.agentforge.starter;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.Texts;
import io.agentforge.web.PayloadTooLargeException;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves the published functions: {@code POST /forge/functions/{name}} with the arguments as a JSON object answers
 * the function's JSON result, or a problem detail naming what was wrong. Tool-domain failures are 4xx; a 500 is a
 * bug. Hidden from springdoc: each function is documented as an operation of its own instead.
 *
 * <p>The size of the arguments is capped by the {@code BodyLimitFilter} the auto-configuration registers for this
 * path: it refuses a declared length over the limit, and a chunked body fails while read here.
 */
@Hidden
@RestController
@RequestMapping(FunctionInvocationController.PATH)
class FunctionInvocationController {

    static final String PATH = "/forge/functions";
    private static final Logger log = LoggerFactory.getLogger(FunctionInvocationController.class);

    private final PublishedFunctions functions;
    private final JsonMapper mapper;
    private final ObservationRegistry observations;

    FunctionInvocationController(PublishedFunctions functions, JsonMapper mapper) {
        this(functions, mapper, ObservationRegistry.NOOP);
    }

    /**
     * @param observations each run of a tool method is an {@code agentforge.tool.executions} observation: a span under
     *                     the caller's (the request's {@code traceparent}) and a timer by function and outcome
     */
    FunctionInvocationController(PublishedFunctions functions, JsonMapper mapper, ObservationRegistry observations) {
        this.functions = functions;
        this.mapper = mapper;
        this.observations = observations;
    }

    @GetMapping
    List<FunctionDescriptor> list() {
        return functions.descriptors();
    }

    @PostMapping("/{name}")
    ResponseEntity<?> invoke(@PathVariable String name, HttpServletRequest request) throws IOException {
        PublishedFunction function = functions.find(name).orElse(null);
        if (function == null) {
            return problem(
                    HttpStatus.NOT_FOUND,
                    ForgeProblems.NOT_FOUND,
                    "Unknown function",
                    "No function '" + Texts.abbreviate(name, 64) + "' is published here" + known());
        }
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (PayloadTooLargeException e) {
            ProblemDetail problem = tooLarge("more than " + e.limit() + " bytes", e.limit());
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(problem);
        }
        JsonNode arguments;
        try {
            arguments = isBlank(body) ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (JacksonException e) {
            return problem(
                    HttpStatus.BAD_REQUEST,
                    ForgeProblems.MALFORMED_REQUEST,
                    "Malformed request",
                    "The arguments are not valid JSON" + where(e.getLocation()) + ": "
                            + firstLine(e.getOriginalMessage()));
        } catch (NumberFormatException e) {
            // e.g. 1e99999999999: valid JSON, but no BigDecimal can hold it.
            return problem(
                    HttpStatus.BAD_REQUEST,
                    ForgeProblems.MALFORMED_REQUEST,
                    "Malformed request",
                    "The arguments hold a number that is out of range");
        }
        if (!arguments.isObject()) {
            return problem(
                    HttpStatus.BAD_REQUEST,
                    ForgeProblems.MALFORMED_REQUEST,
                    "Malformed request",
                    "The arguments must be a JSON object of named arguments, not " + kind(arguments));
        }
        List<ArgumentValidator.Violation> violations = function.validate(arguments);
        if (!violations.isEmpty()) {
            return invalid(violations);
        }
        Observation observation = Observation.createNotStarted("agentforge.tool.executions", observations)
                .contextualName("tool " + function.name())
                .lowCardinalityKeyValues(KeyValues.of("gen_ai.tool.name", function.name(), "outcome", "failed"))
                .start();
        try (Observation.Scope scope = observation.openScope()) {
            JsonNode result = function.invoke(arguments, (ForgeCaller) request.getAttribute(ForgeCaller.ATTRIBUTE));
            observation.lowCardinalityKeyValue("outcome", "success");
            return ResponseEntity.ok(result);
        } catch (ArgumentConversionException e) {
            observation.lowCardinalityKeyValue("outcome", "invalid_arguments");
            return invalid(List.of(new ArgumentValidator.Violation(e.field(), e.getMessage())));
        } catch (ToolFailedException e) {
            ResponseEntity<ProblemDetail> failure = toolFailure(name, e.getCause());
            observation.lowCardinalityKeyValue(
                    "outcome", failure.getStatusCode().is5xxServerError() ? "failed" : "refused");
            return failure;
        } catch (RuntimeException e) {
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    private ResponseEntity<ProblemDetail> toolFailure(String name, Throwable failure) {
        if (failure instanceof ToolProblemException refusal) {
            ProblemDetail problem =
                    ForgeProblems.of(refusal.status(), refusal.type(), refusal.title(), refusal.getMessage());
            refusal.properties().forEach(problem::setProperty);
            return ResponseEntity.status(refusal.status()).body(problem);
        }
        // A JVM error or a plain programming bug is not the caller's problem, and its message is no answer to show.
        if (failure instanceof Error
                || failure instanceof NullPointerException
                || failure instanceof ClassCastException
                || failure instanceof IndexOutOfBoundsException
                || failure instanceof UnsupportedOperationException
                || failure instanceof ConcurrentModificationException) {
            log.error("Function {} failed unexpectedly", name, failure);
            return problem(
                    HttpStatus.INTERNAL_SERVER_ERROR,
                    ForgeProblems.INTERNAL,
                    "Internal error",
                    "The function failed unexpectedly; it has been logged");
        }
        log.debug("Function {} refused the call", name, failure);
        String message = failure.getMessage() == null || failure.getMessage().isBlank()
                ? failure.getClass().getSimpleName()
                : failure.getMessage();
        return problem(
                HttpStatus.UNPROCESSABLE_CONTENT,
                ForgeProblems.TOOL_ERROR,
                "Tool error",
                Texts.abbreviate(message, 1000));
    }

    private static ResponseEntity<ProblemDetail> invalid(List<ArgumentValidator.Violation> violations) {
        ProblemDetail problem = ForgeProblems.of(
                HttpStatus.BAD_REQUEST,
                ForgeProblems.VALIDATION,
                "Invalid arguments",
                ArgumentValidator.summary(violations));
        problem.setProperty("field", violations.getFirst().field());
        problem.setProperty(
                "errors",
                violations.stream()
                        .map(v -> Map.of("field", v.field(), "message", v.message()))
                        .toList());
        return ResponseEntity.badRequest().body(problem);
    }

    static ProblemDetail tooLarge(String size, long limit) {
        return ForgeProblems.of(
                HttpStatus.CONTENT_TOO_LARGE,
                ForgeProblems.PAYLOAD_TOO_LARGE,
                "Payload too large",
                "The arguments of " + size + " exceed the limit of " + limit + " bytes");
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, URI type, String title, String detail) {
        return ResponseEntity.status(status).body(ForgeProblems.of(status, type, title, detail));
    }

    private String known() {
        List<String> names =
                functions.all().stream().map(PublishedFunction::name).toList();
        if (names.isEmpty()) {
            return " (this service publishes no functions)";
        }
        return names.stream()
                .limit(20)
                .collect(Collectors.joining(", ", " (published: ", names.size() > 20 ? ", ...)" : ")"));
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static String where(TokenStreamLocation location) {
        return location == null || location.getLineNr() < 1
                ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String kind(JsonNode node) {
        if (node.isArray()) {
            return "an array";
        }
        if (node.isNull()) {
            return "null";
        }
        return node.isString() ? "a string" : node.isNumber() ? "a number" : "a " + node.getNodeType();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return Texts.abbreviate(newline < 0 ? message : message.substring(0, newline), 300);
    }
}
