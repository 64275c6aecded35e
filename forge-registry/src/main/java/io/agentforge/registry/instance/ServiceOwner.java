package io.agentforge.registry.instance;

import io.agentforge.registry.api.ServiceKind;
import java.time.Instant;

/**
 * The owner of a service name: the key and kind of its first registration, until an admin releases it.
 *
 * @param keyId null when the name was claimed with security off
 */
public record ServiceOwner(String service, ServiceKind kind, String keyId, Instant claimedAt) {}
