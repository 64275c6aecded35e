package io.agentforge.registry.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import java.time.Instant;

/** Replaces the system clock with one the tests move. */
@TestConfiguration(proxyBeanMethods = false)
public class TestRegistryConfiguration {

    public static final String ADMIN_KEY = "af_testadmin01_abcdefghijklmnopqrstuvwxyz0123456789";

    @Bean
    @Primary
    MutableClock mutableClock() {
        return new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    }
}
