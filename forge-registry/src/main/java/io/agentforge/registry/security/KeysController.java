package io.agentforge.registry.security;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ApiKeyInfo;
import io.agentforge.registry.api.ApiKeyRequest;
import io.agentforge.registry.api.IntrospectionRequest;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Keys", description = "API key management (admin) and introspection (service)")
class KeysController {

    private static final Pattern KEY_ID = Pattern.compile("[a-z0-9]{8,32}");

    private final ApiKeyService keys;

    KeysController(ApiKeyService keys) {
        this.keys = keys;
    }

    @PostMapping("/keys")
    @Operation(summary = "Create an API key; the secret is in the response and never shown again")
    ResponseEntity<ApiKeyCreated> create(@RequestBody ApiKeyRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .cacheControl(CacheControl.noStore())
                .body(keys.create(request));
    }

    @GetMapping("/keys")
    @Operation(summary = "List API keys without their secrets")
    List<ApiKeyInfo> list() {
        return keys.list();
    }

    @DeleteMapping("/keys/{keyId}")
    @Operation(summary = "Revoke an API key")
    ResponseEntity<Void> revoke(@PathVariable String keyId) {
        if (!KEY_ID.matcher(keyId).matches()) {
            throw ApiException.invalid("keyId must be 8-32 lower-case letters or digits");
        }
        if (!keys.revoke(keyId)) {
            throw ApiException.notFound("No active API key '" + keyId + "'");
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/auth/introspect")
    @Operation(summary = "Tell whether an API key presented to a service is valid, and its roles")
    ResponseEntity<IntrospectionResult> introspect(@RequestBody IntrospectionRequest request) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(keys.introspect(request.key()));
    }
}
