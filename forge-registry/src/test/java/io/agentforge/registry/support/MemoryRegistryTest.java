package io.agentforge.registry.support;

import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;
import static io.agentforge.registry.support.TestRegistryConfiguration.CONFIGURED_CLIENT_KEY;
import static io.agentforge.registry.support.TestRegistryConfiguration.CONFIGURED_SERVICE_KEY;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * A registry on a random port with the memory store and a hand-moved clock. Background sweeps, probes and agent-card reads are
 * pushed out of the way so tests drive them; all classes with this annotation share one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "agentforge.registry.security.admin-key=" + ADMIN_KEY,
            // One comma-separated value, as the AGENTFORGE_SERVICE_KEYS environment variable gives it.
            "agentforge.registry.security.service-keys=configured-tool:service:services=cfg|cfg-*:"
                    + CONFIGURED_SERVICE_KEY + ",configured-ui:client:" + CONFIGURED_CLIENT_KEY,
            "agentforge.registry.lease.sweep-interval=1h",
            "agentforge.registry.lease.self-preservation.enabled=false",
            "agentforge.registry.health.tick=1h",
            "agentforge.registry.agent-cards.tick=1h"
        })
@Import(TestRegistryConfiguration.class)
public @interface MemoryRegistryTest {}
