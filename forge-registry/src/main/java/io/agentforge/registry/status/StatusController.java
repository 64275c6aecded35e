package io.agentforge.registry.status;

import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegistryStatus;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.catalog.RegistryView;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.lease.LeaseSweeper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Status")
class StatusController {

    private final RegistryView view;
    private final InstanceStore store;
    private final LeaseSweeper sweeper;
    private final Clock clock;
    private final Instant startedAt;

    StatusController(RegistryView view, InstanceStore store, LeaseSweeper sweeper, Clock clock) {
        this.view = view;
        this.store = store;
        this.sweeper = sweeper;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    @GetMapping("/api/v1/status")
    @Operation(summary = "Instance counts by kind and status, store, uptime and self-preservation state")
    RegistryStatus status() {
        RegistryView.Snapshot snapshot = view.current();
        Map<ServiceKind, Map<InstanceStatus, Long>> counts = new EnumMap<>(ServiceKind.class);
        for (ServiceKind kind : ServiceKind.values()) {
            Map<InstanceStatus, Long> byStatus = new EnumMap<>(InstanceStatus.class);
            for (InstanceStatus status : InstanceStatus.values()) {
                byStatus.put(status, snapshot.count(kind, status));
            }
            counts.put(kind, byStatus);
        }
        Instant now = clock.instant();
        return new RegistryStatus(
                store.name(),
                startedAt,
                Duration.between(startedAt, now).truncatedTo(ChronoUnit.SECONDS),
                snapshot.total(),
                counts,
                snapshot.version(),
                sweeper.selfPreservation());
    }
}
