package io.agentforge.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.FakeRegistryClient;
import io.agentforge.registry.api.ServiceRegistration;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

class ForgeServiceRegistrarTests {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private static ForgeProperties properties(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("agentforge", Bindable.of(ForgeProperties.class));
    }

    private static PublishedFunctions sampleFunctions() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
        SampleTools tools = new SampleTools();
        return new PublishedFunctions(PublishedFunctions.toolMethods(SampleTools.class).stream()
                .map(method -> PublishedFunction.of(tools, method, mapper))
                .toList());
    }

    @Nested
    class Lifecycle {

        @Test
        void registersTheConfiguredServiceWithItsFunctionsAndDeregistersOnStop() {
            FakeRegistryClient registry = new FakeRegistryClient(CLOCK);
            ForgeServiceRegistrar registrar = new ForgeServiceRegistrar(
                    registry,
                    properties(Map.of(
                            "agentforge.service.name", "sample",
                            "agentforge.service.description", "Samples",
                            "agentforge.service.capabilities", "demo",
                            "agentforge.service.endpoint", "http://sample:8090",
                            "agentforge.lease-duration", "12s")),
                    sampleFunctions(),
                    new MockEnvironment(),
                    CLOCK);
            registrar.start();
            registrar.register();

            await().atMost(Duration.ofSeconds(10)).until(() -> !registry.registered.isEmpty());
            ServiceRegistration sent = registry.registered.getFirst();
            assertThat(sent.name()).isEqualTo("sample");
            assertThat(sent.endpoint()).isEqualTo("http://sample:8090");
            assertThat(sent.capabilities()).containsExactly("demo");
            assertThat(sent.leaseDuration()).isEqualTo(Duration.ofSeconds(12));
            assertThat(sent.healthCheck().path()).isEqualTo("/actuator/health");
            assertThat(sent.healthCheck().interval()).isEqualTo(Duration.ofSeconds(10));
            assertThat(sent.functions()).extracting(f -> f.name()).contains("sample_add", "sample_greet");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> registrar.state().orElseThrow().registered());

            registrar.stop();
            assertThat(registrar.isRunning()).isFalse();
            assertThat(registry.deregistered).containsExactly(sent.instanceId());
        }

        @Test
        void anAgentRegistersWithoutFunctions() {
            FakeRegistryClient registry = new FakeRegistryClient(CLOCK);
            ForgeServiceRegistrar registrar = new ForgeServiceRegistrar(
                    registry,
                    properties(Map.of(
                            "agentforge.service.name",
                            "helper",
                            "agentforge.service.kind",
                            "AGENT",
                            "agentforge.service.endpoint",
                            "http://helper:8082")),
                    sampleFunctions(),
                    new MockEnvironment(),
                    CLOCK);
            registrar.register();
            await().atMost(Duration.ofSeconds(10)).until(() -> !registry.registered.isEmpty());
            assertThat(registry.registered.getFirst().functions()).isEmpty();
            registrar.destroy();
        }

        @Test
        void withoutAPortOrEndpointNothingIsRegistered() {
            FakeRegistryClient registry = new FakeRegistryClient(CLOCK);
            ForgeServiceRegistrar registrar = new ForgeServiceRegistrar(
                    registry,
                    properties(Map.of("agentforge.service.name", "sample")),
                    PublishedFunctions.none(),
                    new MockEnvironment(),
                    CLOCK);
            registrar.register();
            assertThat(registrar.state()).isEmpty();
            registrar.stop();
            assertThat(registry.registered).isEmpty();
            assertThat(registry.deregistered).isEmpty();
        }

        @Test
        void nothingRegistersAfterShutdown() {
            FakeRegistryClient registry = new FakeRegistryClient(CLOCK);
            ForgeServiceRegistrar registrar = new ForgeServiceRegistrar(
                    registry,
                    properties(Map.of(
                            "agentforge.service.name", "sample", "agentforge.service.endpoint", "http://sample:1")),
                    PublishedFunctions.none(),
                    new MockEnvironment(),
                    CLOCK);
            registrar.stop();
            registrar.register();
            assertThat(registrar.state()).isEmpty();
        }

        @Test
        void theApplicationNameIsTheDefaultServiceName() {
            ForgeServiceRegistrar registrar = new ForgeServiceRegistrar(
                    new FakeRegistryClient(CLOCK),
                    properties(Map.of("agentforge.service.endpoint", "http://x:1")),
                    PublishedFunctions.none(),
                    new MockEnvironment().withProperty("spring.application.name", "calculator"),
                    CLOCK);
            registrar.register();
            assertThat(registrar.registration().orElseThrow().name()).isEqualTo("calculator");
            registrar.destroy();
        }

        @Test
        void invalidSettingsFailAtConstruction() {
            assertThatIllegalStateException()
                    .isThrownBy(() -> new ForgeServiceRegistrar(
                            new FakeRegistryClient(CLOCK),
                            properties(Map.of("agentforge.service.name", "sample", "agentforge.lease-duration", "2h")),
                            PublishedFunctions.none(),
                            new MockEnvironment(),
                            CLOCK))
                    .withMessage("Invalid agentforge.lease-duration: 2h is outside 1s..1h");
            assertThatIllegalStateException()
                    .isThrownBy(() -> new ForgeServiceRegistrar(
                            new FakeRegistryClient(CLOCK),
                            properties(Map.of(
                                    "agentforge.service.name",
                                    "sample",
                                    "agentforge.service.health-check.path",
                                    "//elsewhere")),
                            PublishedFunctions.none(),
                            new MockEnvironment(),
                            CLOCK))
                    .withMessageStartingWith("Invalid agentforge.service.health-check.path: ");
        }
    }

    @Nested
    class Endpoint {

        @Test
        void aConfiguredAddressIsAdvertised() {
            assertThat(ForgeServiceRegistrar.advertisedHost("127.0.0.1")).isEqualTo("127.0.0.1");
            assertThat(ForgeServiceRegistrar.advertisedHost("::1")).isEqualTo("[0:0:0:0:0:0:0:1]");
        }

        @Test
        void aWildcardOrNoAddressAdvertisesThisHost() throws Exception {
            String local = InetAddress.getLocalHost().getHostAddress();
            assertThat(ForgeServiceRegistrar.advertisedHost("0.0.0.0")).isEqualTo(local);
            assertThat(ForgeServiceRegistrar.advertisedHost(null)).isEqualTo(local);
        }

        @Test
        void theBoundPortAndContextPathMakeTheDefaultEndpoint() {
            MockEnvironment environment = new MockEnvironment()
                    .withProperty("server.address", "127.0.0.1")
                    .withProperty("server.servlet.context-path", "/tools/");
            ForgeServiceRegistrar registrar = new ForgeServiceRegistrar(
                    new FakeRegistryClient(CLOCK),
                    properties(Map.of("agentforge.service.name", "sample")),
                    PublishedFunctions.none(),
                    environment,
                    CLOCK);
            assertThat(registrar.defaultEndpoint()).isNull();
            registrar.onWebServerInitialized(WebServerEvents.initialized(8083, null));
            registrar.onWebServerInitialized(WebServerEvents.initialized(9000, "management"));
            assertThat(registrar.defaultEndpoint()).isEqualTo("http://127.0.0.1:8083/tools");
        }

        @Test
        void tlsSettingsMakeItHttps() {
            MockEnvironment environment = new MockEnvironment()
                    .withProperty("server.address", "10.1.2.3")
                    .withProperty("server.ssl.bundle", "web");
            ForgeServiceRegistrar registrar = new ForgeServiceRegistrar(
                    new FakeRegistryClient(CLOCK),
                    properties(Map.of("agentforge.service.name", "sample")),
                    PublishedFunctions.none(),
                    environment,
                    CLOCK);
            registrar.onWebServerInitialized(WebServerEvents.initialized(8443, null));
            assertThat(registrar.defaultEndpoint()).isEqualTo("https://10.1.2.3:8443");
        }
    }
}
