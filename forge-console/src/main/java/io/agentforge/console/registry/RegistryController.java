package io.agentforge.console.registry;

import io.agentforge.client.RegistryException;
import io.agentforge.client.ServiceQuery;
import io.agentforge.console.config.ConsoleProperties;
import io.agentforge.registry.api.ServiceKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

@Controller
class RegistryController {

    private final RegistryGateway registry;
    private final RegistryFeed feed;
    private final Clock clock;
    private final Duration chartWindow;

    RegistryController(RegistryGateway registry, RegistryFeed feed, Clock clock, ConsoleProperties properties) {
        this.registry = registry;
        this.feed = feed;
        this.clock = clock;
        this.chartWindow = properties
                .console()
                .chartInterval()
                .multipliedBy(properties.console().chartSamples() - 1);
    }

    @GetMapping("/registry")
    String page(@RequestParam(required = false) String kind, Model model) {
        fill(model, kind);
        return "registry";
    }

    /** The live part of the page, re-fetched by htmx after each change and on a timer (lease times move). */
    @GetMapping("/registry/services")
    String services(@RequestParam(required = false) String kind, Model model) {
        fill(model, kind);
        return "registry :: live";
    }

    @GetMapping(value = "/registry/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events() {
        return feed.watch();
    }

    private void fill(Model model, String kindParameter) {
        ServiceKind kind = kind(kindParameter);
        Instant now = clock.instant();
        model.addAttribute("kind", kind == null ? "" : kind.name());
        model.addAttribute("live", feed.isConnected());
        model.addAttribute("chart", CountsChart.of(feed.samples(), now, chartWindow));
        try {
            ServiceQuery query =
                    kind == null ? ServiceQuery.all() : ServiceQuery.all().withKind(kind);
            model.addAttribute("page", RegistryPage.of(registry.services(query), now));
        } catch (RegistryException e) {
            model.addAttribute("page", RegistryPage.of(List.of(), now));
            model.addAttribute("problem", e.problem());
        }
    }

    private static ServiceKind kind(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return ServiceKind.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
