package io.agentforge.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FakeRegistryClient;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.InvokerSettings;
import io.agentforge.client.KeyIntrospector;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.client.RegistryClient;
import io.agentforge.client.RegistryException;
import io.agentforge.client.RevocationFollower;
import io.agentforge.client.TokenExchanger;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.ServiceKind;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.util.unit.DataSize;

class ForgeAutoConfigurationTests {

    static final String SERVICE_KEY = "af_svc00001_service-secret-0123456789";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    ForgeClientAutoConfiguration.class,
                    ForgeFunctionsAutoConfiguration.class,
                    ForgeSecurityAutoConfiguration.class,
                    ForgeRegistrationAutoConfiguration.class))
            .withPropertyValues("spring.application.name=sample");

    private WebApplicationContextRunner withRegistry() {
        return runner.withPropertyValues(
                "agentforge.registry-url=http://127.0.0.1:1", "agentforge.api-key=" + SERVICE_KEY);
    }

    @Nested
    class WithARegistry {

        @Test
        void everyBeanIsPresent() {
            withRegistry()
                    .run(context -> assertThat(context)
                            .hasSingleBean(HttpRegistryClient.class)
                            .hasSingleBean(KeyIntrospector.class)
                            .hasSingleBean(ApiKeyVerifier.class)
                            .hasSingleBean(ForgeServiceRegistrar.class)
                            .hasSingleBean(PublishedFunctions.class)
                            .hasSingleBean(FunctionInvocationController.class)
                            .hasSingleBean(OpenApiCustomizer.class)
                            .hasSingleBean(TokenExchanger.class)
                            .hasSingleBean(OutboundPolicy.class)
                            .hasSingleBean(ForgeTokenVerifier.class)
                            .hasSingleBean(RevocationFollower.class)
                            .hasSingleBean(RevokedKeys.class)
                            .hasSingleBean(DiscoveryCache.class)
                            .hasSingleBean(FunctionInvoker.class)
                            .hasBean("forgeInboundKeyFilter"));
        }

        @Test
        void theDiscoveryCacheIsMadeOnFirstUseSoAToolThatCallsNoneFollowsNoFeed() {
            withRegistry().run(context -> {
                assertThat(context.getBeanFactory().containsSingleton("forgeDiscoveryCache"))
                        .isFalse();
                assertThat(context.getBeanFactory().containsSingleton("forgeFunctionInvoker"))
                        .isFalse();
                assertThat(context.getBean(FunctionInvoker.class)).isNotNull();
                assertThat(context.getBeanFactory().containsSingleton("forgeDiscoveryCache"))
                        .isTrue();
            });
        }

        @Test
        void tokensAreCheckedForThisServicesNameAndTheOutboundPolicyDeniesByDefault() {
            withRegistry().run(context -> {
                assertThat(context.getBean(ForgeTokenVerifier.class).serviceName())
                        .isEqualTo("sample");
                OutboundPolicy policy = context.getBean(OutboundPolicy.class);
                assertThat(policy.allowLoopback()).isFalse();
                assertThat(policy.allowPrivate()).isFalse();
            });
        }

        @Test
        void anInvalidAllowedCidrFailsAtStartupNamingTheProperty() {
            withRegistry()
                    .withPropertyValues("agentforge.outbound.allowed-cidrs=10.0.0.0/99")
                    .run(context -> assertThat(context.getStartupFailure())
                            .hasStackTraceContaining("Invalid agentforge.outbound.allowed-cidrs"));
        }

        @Test
        void aRenewalSamplingOutsideZeroToOneFailsAtStartupNamingTheProperty() {
            withRegistry()
                    .withPropertyValues("agentforge.tracing.renewal-sampling=1.5")
                    .run(context -> assertThat(context.getStartupFailure())
                            .hasStackTraceContaining("agentforge.tracing.renewal-sampling must be between 0 and 1"));
        }

        @Test
        void theRegistrarWaitsForTheApplicationToBeReady() {
            withRegistry().run(context -> {
                ForgeServiceRegistrar registrar = context.getBean(ForgeServiceRegistrar.class);
                assertThat(registrar.state()).isEmpty();
                assertThat(registrar.registration()).isEmpty();
            });
        }

        @Test
        void theInboundFilterGuardsOnlyTheFunctionEndpointAndItsMcpFace() {
            withRegistry().run(context -> {
                FilterRegistrationBean<?> filter =
                        context.getBean("forgeInboundKeyFilter", FilterRegistrationBean.class);
                assertThat(filter.getUrlPatterns())
                        .containsExactlyInAnyOrder("/forge/functions", "/forge/functions/*", "/mcp");
                assertThat(filter.getFilter()).isInstanceOf(InboundKeyFilter.class);
            });
        }

        @Test
        void aMalformedKeyFailsAtStartupNamingTheProperty() {
            runner.withPropertyValues("agentforge.registry-url=http://127.0.0.1:1", "agentforge.api-key=secret")
                    .run(context -> assertThat(context.getStartupFailure())
                            .hasStackTraceContaining("Invalid agentforge.registry-url or agentforge.api-key")
                            .hasStackTraceContaining("apiKey must look like"));
        }

        @Test
        void aServiceWithoutANameFailsAtStartup() {
            new WebApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(
                            ForgeClientAutoConfiguration.class,
                            ForgeFunctionsAutoConfiguration.class,
                            ForgeRegistrationAutoConfiguration.class))
                    .withPropertyValues(
                            "agentforge.registry-url=http://127.0.0.1:1", "agentforge.api-key=" + SERVICE_KEY)
                    .run(context -> assertThat(context.getStartupFailure())
                            .hasStackTraceContaining("Set agentforge.service.name"));
        }

        @Test
        void anInvalidServiceNameFailsAtStartupNamingTheField() {
            withRegistry()
                    .withPropertyValues("agentforge.service.name=Not A Name")
                    .run(context -> assertThat(context.getStartupFailure())
                            .hasStackTraceContaining("Invalid agentforge.service.name: 'Not A Name' does not match"));
        }
    }

    @Nested
    class WithoutARegistry {

        @Test
        void nothingRegistersAndNoClientIsMade() {
            runner.run(context -> assertThat(context)
                    .doesNotHaveBean(RegistryClient.class)
                    .doesNotHaveBean(KeyIntrospector.class)
                    .doesNotHaveBean(ForgeServiceRegistrar.class)
                    .doesNotHaveBean(DiscoveryCache.class)
                    .doesNotHaveBean(FunctionInvoker.class)
                    .doesNotHaveBean(RevocationFollower.class)
                    .hasSingleBean(ForgeRegistrationAutoConfiguration.RegistrationSkipped.class)
                    .hasSingleBean(FunctionInvocationController.class));
        }

        @Test
        void aUrlWithoutAKeyIsNotEnough() {
            runner.withPropertyValues("agentforge.registry-url=http://127.0.0.1:1")
                    .run(context -> assertThat(context)
                            .doesNotHaveBean(RegistryClient.class)
                            .doesNotHaveBean(ForgeServiceRegistrar.class));
        }

        @Test
        void inboundCallsAreRefusedRatherThanLetThrough() {
            runner.run(context -> {
                ApiKeyVerifier verifier = context.getBean(ApiKeyVerifier.class);
                assertThatExceptionOfType(RegistryException.class)
                        .isThrownBy(() -> verifier.verify(SERVICE_KEY))
                        .satisfies(e -> assertThat(e.status()).isEqualTo(503));
            });
        }
    }

    /** A caller of the registry that is no service itself (the console): no Spring AI, no registration. */
    @Nested
    class ClientOnly {

        @Test
        void withoutSpringAiAndWithRegistrationOffOnlyTheClientWiringIsMade() {
            withRegistry()
                    .withPropertyValues("agentforge.enabled=false")
                    .withClassLoader(new FilteredClassLoader("org.springframework.ai"))
                    .run(context -> assertThat(context)
                            .hasNotFailed()
                            .hasSingleBean(HttpRegistryClient.class)
                            .hasSingleBean(TokenExchanger.class)
                            .hasSingleBean(OutboundPolicy.class)
                            .hasSingleBean(DiscoveryCache.class)
                            .hasSingleBean(FunctionInvoker.class)
                            .hasSingleBean(RevocationFollower.class)
                            .doesNotHaveBean(ForgeServiceRegistrar.class)
                            .doesNotHaveBean(PublishedFunctions.class)
                            .doesNotHaveBean(FunctionInvocationController.class)
                            .doesNotHaveBean("forgeFunctionsBodyLimitFilter")
                            // Still guarded: an application may serve /mcp itself (the gateway does).
                            .hasBean("forgeInboundKeyFilter"));
        }

        @Test
        void anApplicationsOwnRegistryClientGetsADiscoveryCacheButNoInvokerWithoutTokens() {
            FakeRegistryClient own = new FakeRegistryClient(Clock.systemUTC());
            runner.withBean(RegistryClient.class, () -> own)
                    .run(context -> assertThat(context)
                            .hasSingleBean(DiscoveryCache.class)
                            .doesNotHaveBean(FunctionInvoker.class));
        }
    }

    @Nested
    class Switches {

        @Test
        void disabledSkipsRegistrationButStillServesFunctions() {
            withRegistry()
                    .withPropertyValues("agentforge.enabled=false")
                    .run(context -> assertThat(context)
                            .doesNotHaveBean(ForgeServiceRegistrar.class)
                            .doesNotHaveBean(ForgeRegistrationAutoConfiguration.RegistrationSkipped.class)
                            .hasSingleBean(FunctionInvocationController.class));
        }

        @Test
        void securityOffRemovesTheKeyCheckButKeepsTheTokenVerifierForTheApplicationsOwnEndpoints() {
            withRegistry()
                    .withPropertyValues("agentforge.security.enabled=false")
                    .run(context -> assertThat(context)
                            .doesNotHaveBean(ApiKeyVerifier.class)
                            .doesNotHaveBean("forgeInboundKeyFilter")
                            .hasSingleBean(ForgeTokenVerifier.class));
        }

        @Test
        void outsideAWebApplicationNoEndpointIsServed() {
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(
                            ForgeClientAutoConfiguration.class,
                            ForgeFunctionsAutoConfiguration.class,
                            ForgeSecurityAutoConfiguration.class))
                    .run(context -> assertThat(context)
                            .doesNotHaveBean(FunctionInvocationController.class)
                            .doesNotHaveBean(ApiKeyVerifier.class));
        }

        @Test
        void withoutSpringdocNoCustomizerIsMade() {
            runner.withClassLoader(new FilteredClassLoader(OpenApiCustomizer.class))
                    .run(context ->
                            assertThat(context).hasNotFailed().doesNotHaveBean("forgeFunctionsOpenApiCustomizer"));
        }
    }

    @Nested
    class BackingOff {

        @Test
        void aUserRegistryClientIsUsedAndRegisteredWith() {
            FakeRegistryClient own = new FakeRegistryClient(Clock.systemUTC());
            runner.withBean(RegistryClient.class, () -> own).run(context -> {
                assertThat(context)
                        .doesNotHaveBean(HttpRegistryClient.class)
                        .hasSingleBean(ForgeServiceRegistrar.class)
                        .hasSingleBean(KeyIntrospector.class);
                assertThat(context.getBean(RegistryClient.class)).isSameAs(own);
            });
        }

        @Test
        void aUserVerifierReplacesTheRegistryCheck() {
            ApiKeyVerifier own = key -> IntrospectionResult.inactive();
            withRegistry()
                    .withBean(ApiKeyVerifier.class, () -> own)
                    .run(context ->
                            assertThat(context.getBean(ApiKeyVerifier.class)).isSameAs(own));
        }

        @Test
        void userFunctionsReplaceTheScan() {
            PublishedFunctions own = PublishedFunctions.none();
            runner.withBean(SampleTools.class)
                    .withBean(PublishedFunctions.class, () -> own)
                    .run(context -> assertThat(context.getBean(PublishedFunctions.class))
                            .isSameAs(own));
        }
    }

    @Nested
    class Functions {

        @Test
        void theToolMethodsOfBeansArePublished() {
            runner.withBean(SampleTools.class)
                    .run(context -> assertThat(
                                    context.getBean(PublishedFunctions.class).all())
                            .extracting(PublishedFunction::name)
                            .containsExactly(
                                    "sample_add",
                                    "sample_broken",
                                    "sample_caller",
                                    "sample_greet",
                                    "sample_nothing",
                                    "sample_point",
                                    "sample_refuse",
                                    "sample_whoami"));
        }

        @Test
        void anAgentPublishesNone() {
            runner.withBean(SampleTools.class)
                    .withPropertyValues("agentforge.service.kind=AGENT")
                    .run(context -> assertThat(
                                    context.getBean(PublishedFunctions.class).isEmpty())
                            .isTrue());
        }
    }

    @Nested
    class Properties {

        @Test
        void everySettingBinds() {
            runner.withPropertyValues(
                            "agentforge.registry-url= http://registry:8081 ",
                            "agentforge.api-key=" + SERVICE_KEY,
                            "agentforge.lease-duration=45s",
                            "agentforge.service.name=calculator",
                            "agentforge.service.kind=tool",
                            "agentforge.service.description=Exact arithmetic",
                            "agentforge.service.version=1.2.3",
                            "agentforge.service.capabilities=math,exact",
                            "agentforge.service.endpoint=http://calculator:8083",
                            "agentforge.service.instance-id=calculator-1",
                            "agentforge.service.metadata.zone=a",
                            "agentforge.service.health-check.path=/health",
                            "agentforge.service.health-check.interval=5s",
                            "agentforge.security.enabled=false",
                            "agentforge.security.accept-api-keys=true",
                            "agentforge.security.token-issuer=https://registry.example",
                            "agentforge.security.jwks-uri=https://registry.example/keys",
                            "agentforge.outbound.allow-loopback=true",
                            "agentforge.outbound.allow-private=true",
                            "agentforge.outbound.allowed-cidrs=10.1.0.0/16,192.0.2.0/24",
                            "agentforge.functions.max-request-size=8KB",
                            "agentforge.discovery.idle-timeout=20s",
                            "agentforge.invoker.connect-timeout=500ms",
                            "agentforge.invoker.call-timeout=5s",
                            "agentforge.invoker.max-attempts=2",
                            "agentforge.invoker.breaker-window=20",
                            "agentforge.invoker.breaker-minimum-calls=4",
                            "agentforge.invoker.breaker-failure-rate=25",
                            "agentforge.invoker.breaker-open-duration=1m",
                            "agentforge.invoker.max-response-size=64KB")
                    .run(context -> {
                        ForgeProperties properties = context.getBean(ForgeProperties.class);
                        assertThat(properties.registryUrl()).isEqualTo("http://registry:8081");
                        assertThat(properties.leaseDuration()).isEqualTo(Duration.ofSeconds(45));
                        assertThat(properties.service().name()).isEqualTo("calculator");
                        assertThat(properties.service().kind()).isEqualTo(ServiceKind.TOOL);
                        assertThat(properties.service().description()).isEqualTo("Exact arithmetic");
                        assertThat(properties.service().version()).isEqualTo("1.2.3");
                        assertThat(properties.service().capabilities()).containsExactly("math", "exact");
                        assertThat(properties.service().endpoint()).isEqualTo("http://calculator:8083");
                        assertThat(properties.service().instanceId()).isEqualTo("calculator-1");
                        assertThat(properties.service().metadata()).isEqualTo(Map.of("zone", "a"));
                        assertThat(properties.service().healthCheck().path()).isEqualTo("/health");
                        assertThat(properties.service().healthCheck().interval())
                                .isEqualTo(Duration.ofSeconds(5));
                        assertThat(properties.security().enabled()).isFalse();
                        assertThat(properties.security().acceptApiKeys()).isTrue();
                        assertThat(properties.security().tokenIssuer()).isEqualTo("https://registry.example");
                        assertThat(properties.security().jwksUri()).isEqualTo("https://registry.example/keys");
                        assertThat(properties.outbound().allowLoopback()).isTrue();
                        assertThat(properties.outbound().allowPrivate()).isTrue();
                        assertThat(properties.outbound().allowedCidrs()).containsExactly("10.1.0.0/16", "192.0.2.0/24");
                        assertThat(properties.functions().maxRequestSize()).isEqualTo(DataSize.ofKilobytes(8));
                        assertThat(properties.discovery().idleTimeout()).isEqualTo(Duration.ofSeconds(20));
                        assertThat(properties.invoker().settings())
                                .isEqualTo(new InvokerSettings(
                                        Duration.ofMillis(500),
                                        Duration.ofSeconds(5),
                                        2,
                                        20,
                                        4,
                                        25,
                                        Duration.ofMinutes(1),
                                        64 * 1024));
                        assertThat(properties.toString()).doesNotContain("secret");
                    });
        }

        @Test
        void defaultsAreSensible() {
            runner.run(context -> {
                ForgeProperties properties = context.getBean(ForgeProperties.class);
                assertThat(properties.enabled()).isTrue();
                assertThat(properties.registryUrl()).isNull();
                assertThat(properties.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
                assertThat(properties.service().kind()).isEqualTo(ServiceKind.TOOL);
                assertThat(properties.service().capabilities()).isEqualTo(List.of());
                assertThat(properties.service().healthCheck().path()).isEqualTo("/actuator/health");
                assertThat(properties.service().healthCheck().interval()).isEqualTo(Duration.ofSeconds(10));
                assertThat(properties.security().enabled()).isTrue();
                assertThat(properties.security().acceptApiKeys()).isFalse();
                assertThat(properties.security().tokenIssuer()).isNull();
                assertThat(properties.outbound().allowLoopback()).isFalse();
                assertThat(properties.outbound().allowPrivate()).isFalse();
                assertThat(properties.functions().maxRequestSize()).isEqualTo(DataSize.ofKilobytes(64));
                assertThat(properties.discovery().idleTimeout()).isEqualTo(DiscoveryCache.DEFAULT_IDLE_TIMEOUT);
                assertThat(properties.invoker().settings()).isEqualTo(InvokerSettings.defaults());
            });
        }

        @Test
        void anInvalidInvokerSettingFailsAtStartupNamingTheProperties() {
            withRegistry()
                    .withPropertyValues("agentforge.invoker.breaker-minimum-calls=50")
                    .run(context -> {
                        assertThat(context).hasFailed();
                        assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("breakerMinimumCalls");
                        assertThat(context.getStartupFailure()).hasStackTraceContaining("Invalid agentforge.invoker.*");
                    });
        }
    }
}
