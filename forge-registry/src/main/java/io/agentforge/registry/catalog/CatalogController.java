package io.agentforge.registry.catalog;

import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Discovery", description = "Services and the function catalog")
class CatalogController {

    private final RegistryView view;

    CatalogController(RegistryView view) {
        this.view = view;
    }

    @GetMapping(value = "/catalog", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Functions of every tool with an UP instance, those tools' UP endpoints and a name index;"
                    + " send the ETag back in If-None-Match to get 304 when nothing changed",
            responses =
                    @ApiResponse(
                            responseCode = "200",
                            content =
                                    @Content(
                                            schema =
                                                    @Schema(
                                                            implementation =
                                                                    io.agentforge.registry.api.Catalog.class))))
    ResponseEntity<byte[]> catalog(
            @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            @RequestHeader(value = HttpHeaders.ACCEPT_ENCODING, required = false) String acceptEncoding) {
        RegistryView.Snapshot snapshot = view.current();
        boolean notModified = matches(ifNoneMatch, snapshot.catalogEtag());
        ResponseEntity.BodyBuilder response = ResponseEntity.status(
                        notModified ? HttpStatus.NOT_MODIFIED : HttpStatus.OK)
                .eTag(snapshot.catalogEtag())
                .cacheControl(CacheControl.noCache())
                .varyBy(HttpHeaders.ACCEPT_ENCODING)
                .header("X-Forge-Event-Id", Long.toString(snapshot.version()));
        if (notModified) {
            return response.build();
        }
        response.contentType(MediaType.APPLICATION_JSON);
        if (acceptEncoding != null
                && acceptEncoding.toLowerCase(java.util.Locale.ROOT).contains("gzip")) {
            return response.header(HttpHeaders.CONTENT_ENCODING, "gzip")
                    .body(snapshot.catalogGzip().bytes());
        }
        return response.body(snapshot.catalogJson());
    }

    @GetMapping("/services")
    @Operation(summary = "Services with their instances, filtered by name, kind, capability and status")
    List<RegisteredService> services(
            @RequestParam(required = false) String name,
            @RequestParam(required = false) ServiceKind kind,
            @RequestParam(required = false) String capability,
            @RequestParam(required = false) InstanceStatus status) {
        if (name != null && !ServiceRegistration.SERVICE_NAME.matcher(name).matches()) {
            throw ApiException.invalid("name must match " + ServiceRegistration.SERVICE_NAME.pattern());
        }
        if (capability != null
                && !ServiceRegistration.CAPABILITY.matcher(capability).matches()) {
            throw ApiException.invalid("capability must match " + ServiceRegistration.CAPABILITY.pattern());
        }
        return view.services(name, kind, capability, status);
    }

    // Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x" and W/"x".
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        String opaque = strip(etag);
        return Arrays.stream(ifNoneMatch.split(","))
                .map(String::trim)
                .anyMatch(candidate -> candidate.equals("*") || strip(candidate).equals(opaque));
    }

    private static String strip(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
