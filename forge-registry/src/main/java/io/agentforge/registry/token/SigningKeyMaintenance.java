package io.agentforge.registry.token;

import io.agentforge.registry.web.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/** Reloads the signing keys from the store every refresh interval, rotating the active key when it is due. */
class SigningKeyMaintenance {

    private static final Logger log = LoggerFactory.getLogger(SigningKeyMaintenance.class);

    private final SigningKeys keys;

    SigningKeyMaintenance(SigningKeys keys) {
        this.keys = keys;
    }

    @Scheduled(
            fixedDelayString = "${agentforge.registry.token.key-refresh-interval:30s}",
            initialDelayString = "${agentforge.registry.token.key-refresh-interval:30s}")
    void maintain() {
        try {
            keys.maintain();
        } catch (RuntimeException e) {
            if (!DatabaseFailures.unreachable(e)) {
                throw e;
            }
            // The keys loaded last go on signing and verifying; the next interval tries again.
            log.warn("Signing keys not reloaded: the database is unreachable ({})", e.toString());
        }
    }
}
