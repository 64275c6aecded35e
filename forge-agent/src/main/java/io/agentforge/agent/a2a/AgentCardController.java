package io.agentforge.agent.a2a;

import io.agentforge.agent.a2a.A2aWire.AgentCapabilities;
import io.agentforge.agent.a2a.A2aWire.AgentCard;
import io.agentforge.agent.a2a.A2aWire.AgentInterface;
import io.agentforge.agent.a2a.A2aWire.AgentSkill;
import io.agentforge.agent.a2a.A2aWire.ApiKeySecurityScheme;
import io.agentforge.agent.a2a.A2aWire.HttpAuthSecurityScheme;
import io.agentforge.agent.a2a.A2aWire.SecurityRequirement;
import io.agentforge.agent.a2a.A2aWire.SecurityScheme;
import io.agentforge.agent.a2a.A2aWire.StringList;
import io.agentforge.agent.config.A2aProperties;
import io.agentforge.agent.config.AgentProperties;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.ForgeHeaders;
import io.agentforge.starter.ForgeProperties;
import io.swagger.v3.oas.annotations.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The agent card at the well-known path (public: it is how a client learns how to authenticate). Its skills follow
 * the live catalog: one general skill (answer with tools) and one per tool service with an UP instance, since those
 * are the things this agent can reliably do right now.
 */
@RestController
class AgentCardController {

    static final String PATH = "/.well-known/agent-card.json";
    // A card stays readable for a huge catalog: beyond these the skills list is cut.
    private static final int MAX_TOOL_SKILLS = 50;
    private static final int MAX_FUNCTIONS_NAMED = 20;

    private final ForgeProperties forge;
    private final AgentProperties agent;
    private final A2aProperties a2a;
    private final ObjectProvider<DiscoveryCache> discovery;

    AgentCardController(
            ForgeProperties forge, AgentProperties agent, A2aProperties a2a, ObjectProvider<DiscoveryCache> discovery) {
        this.forge = forge;
        this.agent = agent;
        this.a2a = a2a;
        this.discovery = discovery;
    }

    @GetMapping(value = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "The A2A agent card: how to reach this agent, what it can do, how to authenticate")
    ResponseEntity<AgentCard> card() {
        ForgeProperties.Service service = forge.service();
        String name = service.name() == null ? "agent" : service.name();
        List<String> modes = List.of(A2aWire.TEXT, A2aWire.JSON);
        Map<String, SecurityScheme> schemes = new LinkedHashMap<>();
        List<SecurityRequirement> requirements = new ArrayList<>();
        if (agent.security().enabled()) {
            schemes.put(
                    "bearer",
                    new SecurityScheme(
                            new HttpAuthSecurityScheme(
                                    "An Agent Forge client API key (af_…), a token the registry issued for this agent"
                                            + (agent.security().issuer().isBlank()
                                                    ? ""
                                                    : ", or a JWT of "
                                                            + agent.security().issuer()),
                                    "Bearer",
                                    ""),
                            null));
            schemes.put(
                    "apiKey",
                    new SecurityScheme(
                            null,
                            new ApiKeySecurityScheme(
                                    "An Agent Forge client API key (af_…)", "header", ForgeHeaders.API_KEY)));
            // Alternatives: either scheme will do.
            requirements.add(new SecurityRequirement(Map.of("bearer", new StringList(List.of()))));
            requirements.add(new SecurityRequirement(Map.of("apiKey", new StringList(List.of()))));
        }
        AgentCard card = new AgentCard(
                name,
                service.description() == null ? "An Agent Forge agent" : service.description(),
                List.of(new AgentInterface(baseUrl() + A2aController.PATH, "JSONRPC", A2aWire.PROTOCOL_VERSION)),
                null,
                service.version() == null ? "0.0.0" : service.version(),
                null,
                new AgentCapabilities(true, false, false),
                schemes,
                requirements,
                modes,
                List.of(A2aWire.TEXT),
                skills(service));
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(60, TimeUnit.SECONDS))
                .body(card);
    }

    private List<AgentSkill> skills(ForgeProperties.Service service) {
        List<AgentSkill> skills = new ArrayList<>();
        List<String> tags = new ArrayList<>(service.capabilities());
        if (tags.isEmpty()) {
            tags.add("chat");
        }
        skills.add(new AgentSkill(
                "answer-with-tools",
                "Answer with tools",
                "Answers a question in natural language, calling the platform's registered tools (and other agents)"
                        + " when they help; the answer is text, the tool calls come as status updates",
                tags,
                List.of("What is 6*7?"),
                List.of(),
                List.of()));
        DiscoveryCache cache = discovery.getIfAvailable();
        Catalog catalog = cache == null ? null : cache.catalog();
        if (catalog == null) {
            return skills;
        }
        Map<String, List<String>> functions = catalog.functions().stream()
                .collect(Collectors.groupingBy(
                        Catalog.CatalogFunction::service,
                        LinkedHashMap::new,
                        Collectors.mapping(Catalog.CatalogFunction::name, Collectors.toList())));
        for (Catalog.CatalogService tool : catalog.services()) {
            if (skills.size() > MAX_TOOL_SKILLS) {
                break;
            }
            List<String> names = functions.getOrDefault(tool.name(), List.of());
            if (names.isEmpty()) {
                continue;
            }
            String named = String.join(", ", names.subList(0, Math.min(names.size(), MAX_FUNCTIONS_NAMED)))
                    + (names.size() > MAX_FUNCTIONS_NAMED
                            ? " and " + (names.size() - MAX_FUNCTIONS_NAMED) + " more"
                            : "");
            skills.add(new AgentSkill(
                    "tool-" + tool.name(),
                    tool.name(),
                    (tool.description() == null || tool.description().isBlank()
                                    ? "Uses the " + tool.name() + " tool"
                                    : tool.description())
                            + " (functions: " + named + ")",
                    List.of("tool", tool.name()),
                    List.of(),
                    List.of(),
                    List.of()));
        }
        return skills;
    }

    // The configured public URL, else the advertised endpoint, else the URL this request came in by.
    private String baseUrl() {
        if (a2a.publicUrl() != null) {
            return a2a.publicUrl();
        }
        String endpoint = forge.service().endpoint();
        if (endpoint != null) {
            return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        }
        return ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
    }
}
