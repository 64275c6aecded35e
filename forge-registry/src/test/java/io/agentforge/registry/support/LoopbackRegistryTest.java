package io.agentforge.registry.support;

import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * A memory-store registry that accepts loopback endpoints, as {@code ./forge up} does, so tests can register real
 * HTTP stubs on 127.0.0.1 that the registry reads from (agent cards). Background sweeps, probes and card reads are
 * pushed out of the way so tests drive them; all classes with this annotation share one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "agentforge.registry.security.admin-key=" + ADMIN_KEY,
            "agentforge.registry.allow-loopback-endpoints=true",
            "agentforge.registry.lease.sweep-interval=1h",
            "agentforge.registry.lease.self-preservation.enabled=false",
            "agentforge.registry.health.tick=1h",
            "agentforge.registry.agent-cards.tick=1h",
            "agentforge.registry.agent-cards.max-size=4KB",
            // Lexical search only: no second copy of the embedding model in the test JVM.
            "agentforge.registry.search.embeddings.enabled=false"
        })
@Import(TestRegistryConfiguration.class)
public @interface LoopbackRegistryTest {}
