package io.agentforge.registry.instance;

import io.agentforge.registry.api.Instance;

/** An instance with the id of the API key that registered it (null when security is off). */
public record StoredInstance(Instance instance, String ownerKeyId) {}
