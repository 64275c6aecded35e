package io.agentforge.registry.instance;

import io.agentforge.registry.api.Instance;

/** Outcome of a registration: the stored instance and whether it is new (201) or an update (200). */
public record Registered(Instance instance, boolean created) {}
