package io.agentforge.starter;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when both {@code agentforge.registry-url} and {@code agentforge.api-key} have a non-blank value. */
class RegistryConfiguredCondition extends SpringBootCondition {

    static final String REGISTRY_URL = "agentforge.registry-url";
    static final String API_KEY = "agentforge.api-key";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition("Agent Forge registry");
        Environment environment = context.getEnvironment();
        if (!hasText(environment, REGISTRY_URL)) {
            return ConditionOutcome.noMatch(message.didNotFind("property").items(REGISTRY_URL));
        }
        if (!hasText(environment, API_KEY)) {
            return ConditionOutcome.noMatch(message.didNotFind("property").items(API_KEY));
        }
        return ConditionOutcome.match(message.foundExactly(REGISTRY_URL + " and " + API_KEY));
    }

    static boolean hasText(Environment environment, String property) {
        String value = environment.getProperty(property);
        return value != null && !value.isBlank();
    }
}
