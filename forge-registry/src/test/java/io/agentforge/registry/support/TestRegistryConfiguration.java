package io.agentforge.registry.support;

import io.agentforge.testsupport.MutableClock;
import java.time.Instant;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Replaces the system clock with one the tests move. */
@TestConfiguration(proxyBeanMethods = false)
public class TestRegistryConfiguration {

    public static final String ADMIN_KEY = "af_testadmin01_abcdefghijklmnopqrstuvwxyz0123456789";
    /** Provisioned from configuration (agentforge.registry.security.service-keys), as deployments do. */
    public static final String CONFIGURED_SERVICE_KEY = "af_cfgservice1_configured-service-secret-0123";

    public static final String CONFIGURED_CLIENT_KEY = "af_cfgclient01_configured-client-secret-01234";

    @Bean
    @Primary
    MutableClock mutableClock() {
        return new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    }
}
