package io.agentforge.registry.token;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/signing-keys")
@Tag(name = "Tokens", description = "Token signing keys (admin)")
class SigningKeysController {

    private final SigningKeys keys;

    SigningKeysController(SigningKeys keys) {
        this.keys = keys;
    }

    @PostMapping("/rotate")
    @Operation(
            summary = "Retire the active token signing key and make a new one; tokens of the old key stay"
                    + " verifiable until they expire")
    ResponseEntity<Map<String, String>> rotate() {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .body(Map.of("kid", keys.rotate().kid()));
    }
}
