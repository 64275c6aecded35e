package io.agentforge.registry.token;

import org.springframework.scheduling.annotation.Scheduled;

/** Reloads the signing keys from the store every refresh interval, rotating the active key when it is due. */
class SigningKeyMaintenance {

    private final SigningKeys keys;

    SigningKeyMaintenance(SigningKeys keys) {
        this.keys = keys;
    }

    @Scheduled(
            fixedDelayString = "${agentforge.registry.token.key-refresh-interval:30s}",
            initialDelayString = "${agentforge.registry.token.key-refresh-interval:30s}")
    void maintain() {
        keys.maintain();
    }
}
