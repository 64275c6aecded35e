package io.agentforge.console.security;

import io.agentforge.console.config.ConsoleProperties;
import io.agentforge.console.config.ConsoleProperties.AuthMode;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.session.DisableEncodeUrlFilter;

/**
 * Who may use the console, and the browser-side protections every page gets: CSRF tokens on every state-changing
 * request, a Content-Security-Policy that runs only the console's own scripts (so nothing a model writes can run),
 * no framing, and a session cookie that is HttpOnly, SameSite=Lax and Secure outside loopback-only mode.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /**
     * Scripts and styles only from the console itself: no inline script, no eval, no inline style; images only
     * from the console or data URLs, so model output can't make the browser call another host.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none';"
            + " frame-ancestors 'none'; form-action 'self'";

    static final String OIDC_LOGIN = "/oauth2/authorization/" + OidcConfiguration.REGISTRATION_ID;

    @Bean
    SecurityFilterChain consoleSecurity(
            HttpSecurity http,
            ConsoleProperties properties,
            Environment environment,
            KeyVerifier keyVerifier,
            ObjectProvider<ClientRegistrationRepository> registrations,
            ObjectProvider<OAuth2AuthorizedClientService> authorizedClients)
            throws Exception {
        AuthMode mode = properties.console().auth();
        LoopbackGuard.check(mode, environment.getProperty("server.address"));
        http.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                        .frameOptions(frame -> frame.deny()))
                .csrf(csrf -> {
                    // Defaults: a session-held token, required on every POST/PUT/DELETE (forms, htmx, the chat stream).
                })
                .authorizeHttpRequests(requests -> {
                    // Streams continue in async dispatches that were authorized when they started.
                    requests.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                            .permitAll()
                            .requestMatchers(
                                    "/css/**",
                                    "/js/**",
                                    "/webjars/**",
                                    "/favicon.svg",
                                    "/login",
                                    "/actuator/health",
                                    "/actuator/health/**",
                                    "/error")
                            .permitAll();
                    if (mode == AuthMode.NONE) {
                        requests.anyRequest().permitAll();
                    } else {
                        requests.anyRequest().authenticated();
                    }
                });
        switch (mode) {
            case NONE ->
                http.logout(logout -> logout.disable())
                        .addFilterBefore(
                                new LoopbackHostFilter(environment.getProperty("server.address")),
                                DisableEncodeUrlFilter.class);
            case API_KEY ->
                http.authenticationProvider(new ApiKeyAuthenticationProvider(keyVerifier))
                        .formLogin(form -> form.loginPage("/login")
                                .passwordParameter("apiKey")
                                .defaultSuccessUrl("/", false)
                                .failureHandler(loginFailure()))
                        .logout(logout -> logout.logoutSuccessUrl("/login?logout"))
                        .requestCache(cache -> cache.requestCache(pagesOnly()))
                        .exceptionHandling(errors -> errors.authenticationEntryPoint(new ConsoleEntryPoint("/login"))
                                .accessDeniedHandler(sessionEndedAware(new ConsoleEntryPoint("/login"))));
            case OIDC ->
                http.oauth2Login(login -> login.loginPage(OIDC_LOGIN)
                                .clientRegistrationRepository(registrations.getObject())
                                .authorizedClientService(authorizedClients.getObject())
                                .defaultSuccessUrl("/", false)
                                .failureUrl("/login?error=oidc")
                                // The provider's discovery failing on the way out would otherwise be a bare 500.
                                .withObjectPostProcessor(oidcUnavailableRedirect()))
                        .logout(logout -> logout.logoutSuccessUrl("/login?logout"))
                        .requestCache(cache -> cache.requestCache(pagesOnly()))
                        .exceptionHandling(errors -> errors.authenticationEntryPoint(new ConsoleEntryPoint(OIDC_LOGIN))
                                .accessDeniedHandler(sessionEndedAware(new ConsoleEntryPoint(OIDC_LOGIN))));
        }
        return http.build();
    }

    /**
     * Remembers only page visits as "where to return after signing in": an htmx fragment or a stream request would
     * otherwise become the page the user lands on.
     */
    private static RequestCache pagesOnly() {
        HttpSessionRequestCache cache = new HttpSessionRequestCache();
        cache.setRequestMatcher(request -> "GET".equals(request.getMethod())
                && request.getHeader("HX-Request") == null
                && !String.valueOf(request.getHeader(HttpHeaders.ACCEPT)).contains(MediaType.TEXT_EVENT_STREAM_VALUE));
        return cache;
    }

    /**
     * A form or htmx request whose session has ended fails the CSRF check first; answer it like any request without
     * a session (login page, or 401 with HX-Redirect) instead of a bare 403.
     */
    private static AccessDeniedHandler sessionEndedAware(AuthenticationEntryPoint entryPoint) {
        AccessDeniedHandlerImpl forbidden = new AccessDeniedHandlerImpl();
        return (request, response, denied) -> {
            boolean sessionEnded = request.getRequestedSessionId() != null && !request.isRequestedSessionIdValid();
            if (denied instanceof CsrfException && sessionEnded) {
                entryPoint.commence(
                        request, response, new InsufficientAuthenticationException("The console session has ended"));
                return;
            }
            forbidden.handle(request, response, denied);
        };
    }

    private static ObjectPostProcessor<OAuth2AuthorizationRequestRedirectFilter> oidcUnavailableRedirect() {
        return new ObjectPostProcessor<>() {
            @Override
            public <O extends OAuth2AuthorizationRequestRedirectFilter> O postProcess(O filter) {
                filter.setAuthenticationFailureHandler((request, response, exception) ->
                        response.sendRedirect(request.getContextPath() + "/login?error=oidc-unavailable"));
                return filter;
            }
        };
    }

    private static AuthenticationFailureHandler loginFailure() {
        return (request, response, exception) -> response.sendRedirect(request.getContextPath() + "/login?error="
                + (exception instanceof AuthenticationServiceException ? "unavailable" : "invalid"));
    }

    /** Secure session cookie unless the console runs without login on loopback (plain http there). */
    @Bean
    ServletContextInitializer sessionCookie(ConsoleProperties properties) {
        return servletContext -> {
            var cookie = servletContext.getSessionCookieConfig();
            cookie.setHttpOnly(true);
            cookie.setSecure(properties.console().secureCookieEffective());
            cookie.setAttribute("SameSite", "Lax");
        };
    }
}
