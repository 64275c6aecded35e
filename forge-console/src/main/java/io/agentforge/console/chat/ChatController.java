package io.agentforge.console.chat;

import io.agentforge.client.Problem;
import io.agentforge.client.RegistryException;
import io.agentforge.console.security.Credentials;
import io.agentforge.registry.api.ProblemTypes;
import jakarta.servlet.http.HttpSession;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The chat page and its requests; {@link ChatRelay} carries an agent's answer stream to the browser. The console
 * calls only the agent the person picked with the picker's form (kept in their session) or the operator's fixed
 * {@code agent-url}: nothing on page load and no link chooses an agent. The browser names agents by id only; the
 * console looks them up in the registry and calls them with a short-lived token the registry issued for that agent on
 * the person's behalf (their own credential is only the subject of that exchange, and neither ever reaches the page).
 */
@Controller
class ChatController {

    static final URI INVALID_QUESTION = ProblemTypes.of("validation");
    /** The session attribute holding the user's {@link AgentTarget.Pick}. */
    static final String PICKED_AGENT = ChatController.class.getName() + ".agent";

    private final AgentDirectory agents;
    private final AgentGateway gateway;
    private final MarkdownRenderer markdown;
    private final ChatRelay relay;
    private final Credentials credentials;
    private final Clock clock;

    ChatController(
            AgentDirectory agents,
            AgentGateway gateway,
            MarkdownRenderer markdown,
            Credentials credentials,
            Clock clock,
            TraceLinks traceLinks) {
        this.clock = clock;
        this.agents = agents;
        this.gateway = gateway;
        this.markdown = markdown;
        this.relay = new ChatRelay(gateway, markdown, traceLinks);
        this.credentials = credentials;
    }

    @GetMapping("/")
    String page(
            @RequestParam(required = false) String agent,
            @RequestParam(name = "c", required = false) String id,
            HttpSession session,
            Authentication authentication,
            Model model) {
        List<AgentTarget> available;
        try {
            available = agents.agents();
        } catch (RegistryException e) {
            available = List.of();
            model.addAttribute("agentsProblem", e.problem());
        }
        AgentTarget.Pick pick = pick(session);
        AgentTarget selected = agents.chosen(available, pick).orElse(null);
        // ?agent= only pre-selects the picker: a link can't make the console call an agent the person didn't pick.
        String preselected = AgentDirectory.byId(available, agent)
                .map(AgentTarget::id)
                .orElse(
                        selected != null
                                ? selected.id()
                                : available.isEmpty()
                                        ? ""
                                        : available.getFirst().id());
        model.addAttribute("agents", available);
        model.addAttribute("selected", selected);
        model.addAttribute("preselected", preselected);
        model.addAttribute("fixedAgent", agents.fixed());
        model.addAttribute("pickGone", selected == null && pick != null && !available.isEmpty());
        model.addAttribute("conversationId", "");
        model.addAttribute("turns", List.of());
        if (selected != null && id != null && !id.isBlank()) {
            try {
                Optional<Conversations.Conversation> conversation =
                        gateway.conversation(selected, id, credentials.forAgent(authentication, selected.service()));
                conversation.ifPresentOrElse(
                        found -> {
                            model.addAttribute("conversationId", found.id());
                            model.addAttribute("conversationTitle", found.title());
                            model.addAttribute(
                                    "turns",
                                    found.turns().stream()
                                            .map(t -> TurnView.of(t, markdown))
                                            .toList());
                        },
                        () -> model.addAttribute(
                                "conversationProblem",
                                new Problem(
                                        404,
                                        null,
                                        "Conversation not found",
                                        "This agent has no conversation '" + id
                                                + "' of yours; it may have restarted.")));
            } catch (AgentException e) {
                model.addAttribute("conversationProblem", e.problem());
            } catch (RegistryException e) {
                // No token for the agent: the problem says why; nothing was sent to the agent.
                model.addAttribute("conversationProblem", e.problem());
            }
        }
        return "chat";
    }

    /**
     * The picker's form: the only way to choose the agent the console talks to (and sends the user's credential to)
     * for this session. A POST with the session's CSRF token, so no link or foreign page can choose for the user.
     */
    @PostMapping(value = "/chat/agent", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    String pickAgent(@RequestParam(required = false) String agent, HttpSession session, RedirectAttributes redirect) {
        if (agents.fixed()) {
            return "redirect:/";
        }
        try {
            Optional<AgentTarget> picked = AgentDirectory.byId(agents.agents(), agent);
            if (picked.isPresent()) {
                session.setAttribute(PICKED_AGENT, picked.get().pick());
            } else {
                redirect.addFlashAttribute(
                        "pickProblem",
                        new Problem(
                                409,
                                AgentException.NO_AGENT,
                                "Agent gone",
                                "That agent is no longer registered (it may have restarted). Pick one that is up."));
            }
        } catch (RegistryException e) {
            redirect.addFlashAttribute("pickProblem", e.problem());
        }
        return "redirect:/";
    }

    private static AgentTarget.Pick pick(HttpSession session) {
        return session != null && session.getAttribute(PICKED_AGENT) instanceof AgentTarget.Pick pick ? pick : null;
    }

    /** The sidebar's history, loaded after the page so a slow agent never delays the page. */
    @GetMapping("/chat/conversations")
    String conversations(
            @RequestParam(name = "c", required = false) String current,
            HttpSession session,
            Authentication authentication,
            Model model) {
        model.addAttribute("current", current == null ? "" : current);
        try {
            Optional<AgentTarget> target = agents.chosen(agents.agents(), pick(session));
            if (target.isEmpty()) {
                model.addAttribute("conversations", List.of());
                model.addAttribute("historyProblem", ChatErrors.noAgentPicked());
            } else {
                Instant now = clock.instant();
                model.addAttribute(
                        "conversations",
                        gateway
                                .conversations(
                                        target.get(),
                                        credentials.forAgent(
                                                authentication, target.get().service()))
                                .stream()
                                .map(c -> HistoryItem.of(c, now))
                                .toList());
            }
        } catch (AgentException e) {
            model.addAttribute("conversations", List.of());
            model.addAttribute("historyProblem", e.problem());
        } catch (RegistryException e) {
            model.addAttribute("conversations", List.of());
            model.addAttribute("historyProblem", e.problem());
        }
        return "chat-history :: history";
    }

    /**
     * Asks the agent and relays its stream: {@code step} and {@code delta} as they come, {@code done} with the
     * answer rendered to safe HTML, or {@code error} with a problem detail and a sentence to show.
     */
    @PostMapping(
            value = "/chat/stream",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@RequestBody Question question, HttpSession session, Authentication authentication) {
        ChatCommand command = question.toCommand();
        // Before the stream starts, so a gone agent, an unreachable registry or a refused token exchange is a plain
        // problem the page shows.
        AgentTarget target = target(command.agent(), pick(session));
        String credential = agentToken(authentication, target);
        return relay.start(target, command, credential);
    }

    /**
     * The session's agent. The browser's {@code agent} only guards against a page that shows another agent than the
     * session's (picked in another tab): it never chooses one.
     */
    private AgentTarget target(String agent, AgentTarget.Pick pick) {
        try {
            List<AgentTarget> up = agents.agents();
            AgentTarget target = agents.chosen(up, pick)
                    .orElseThrow(
                            () -> new ChatProblem(
                                    up.isEmpty()
                                            ? ChatErrors.noAgent()
                                            : pick == null
                                                    ? ChatErrors.noAgentPicked()
                                                    : new Problem(
                                                            409,
                                                            AgentException.NO_AGENT,
                                                            "Agent gone",
                                                            "The agent you picked is no longer"
                                                                    + " registered (it may have restarted). Reload the page to pick one that is up.")));
            if (agent != null && !agent.equals(target.id()) && (pick == null || !agent.equals(pick.id()))) {
                throw new ChatProblem(new Problem(
                        409,
                        AgentException.NO_AGENT,
                        "Another agent picked",
                        "Another agent was picked for this session (in another tab?). Reload the page to see which"
                                + " agent you are talking to."));
            }
            return target;
        } catch (RegistryException e) {
            throw new ChatProblem(new Problem(
                    503,
                    e.problem().type(),
                    "Registry unavailable",
                    "The registry can't be asked which agents are up right now; try again shortly."));
        }
    }

    /** A token for the agent on the person's behalf, exchanged at the registry; never their key. */
    private String agentToken(Authentication authentication, AgentTarget target) {
        try {
            return credentials.forAgent(authentication, target.service());
        } catch (RegistryException e) {
            throw new ChatProblem(e.problem());
        }
    }

    /** A question refused before its stream started. */
    static final class ChatProblem extends RuntimeException {

        private final transient Problem problem;

        ChatProblem(Problem problem) {
            super(problem.detail());
            this.problem = problem;
        }
    }

    @ExceptionHandler(ChatProblem.class)
    @ResponseBody
    ResponseEntity<ProblemDetail> refused(ChatProblem e) {
        HttpStatus status = HttpStatus.valueOf(e.problem.status());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.problem.detail());
        problem.setType(e.problem.type());
        problem.setTitle(e.problem.title());
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    @ExceptionHandler(ChatCommand.InvalidCommandException.class)
    @ResponseBody
    ResponseEntity<ProblemDetail> invalid(ChatCommand.InvalidCommandException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setType(INVALID_QUESTION);
        problem.setTitle("Invalid question");
        problem.setProperty("field", e.field());
        return ResponseEntity.badRequest()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** The question as the browser sends it; checked by {@link ChatCommand}. */
    record Question(
            String agent, String message, String conversationId, String model, Double temperature, Integer maxSteps) {

        ChatCommand toCommand() {
            return new ChatCommand(agent, message, conversationId, model, temperature, maxSteps);
        }
    }
}
