package io.agentforge.registry.api;

/** Asks the registry whether an API key presented to a service is valid. */
public record IntrospectionRequest(String key) {

    public IntrospectionRequest {
        Checks.required("key", key);
        Checks.maxLength("key", key, 512);
    }

    @Override
    public String toString() {
        return "IntrospectionRequest[key=***]";
    }
}
