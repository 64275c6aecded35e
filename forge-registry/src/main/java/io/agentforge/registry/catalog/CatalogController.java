package io.agentforge.registry.catalog;

import io.agentforge.registry.api.CatalogChanges;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Arrays;
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
    private final DiscoveryBodies bodies;
    private final DiscoveryChanges changes;

    CatalogController(RegistryView view, DiscoveryBodies bodies, DiscoveryChanges changes) {
        this.view = view;
        this.bodies = bodies;
        this.changes = changes;
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
        return cached(
                snapshot.catalogEtag(),
                snapshot.version(),
                ifNoneMatch,
                acceptEncoding,
                snapshot.catalogJson(),
                snapshot.catalogGzip());
    }

    @GetMapping(value = "/catalog/changes", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "The catalog entries of the tools that changed after an event id (the X-Forge-Event-Id of a"
                    + " catalog answer, or the eventId of an earlier one of these): apply them to the catalog held as of"
                    + " that id. reset=true (an id older than the registry's history of its last 4,096 changes, or ahead of it:"
                    + " another registry's history) means: fetch the full catalog.")
    ResponseEntity<CatalogChanges> catalogChanges(@RequestParam String since) {
        CatalogChanges answer = changes.catalogAfter(since);
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noCache())
                .header("X-Forge-Event-Id", Long.toString(answer.eventId()))
                .body(answer);
    }

    @GetMapping("/services")
    @Operation(
            summary = "Services with their instances, filtered by name, kind, capability and status. Unfiltered and"
                    + " by name (and status) the answer is cached per change, gzipped on request (Accept-Encoding:"
                    + " gzip) and has an ETag for If-None-Match; lease times in it are at most"
                    + " agentforge.registry.discovery.lease-refresh old. With ?since=<eventId> (the X-Forge-Event-Id of"
                    + " an earlier answer) only the changes after that event are returned.")
    ResponseEntity<?> services(
            @RequestParam(required = false) String name,
            @RequestParam(required = false) ServiceKind kind,
            @RequestParam(required = false) String capability,
            @RequestParam(required = false) InstanceStatus status,
            @RequestParam(required = false) String since,
            @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            @RequestHeader(value = HttpHeaders.ACCEPT_ENCODING, required = false) String acceptEncoding) {
        if (name != null && !ServiceRegistration.SERVICE_NAME.matcher(name).matches()) {
            throw ApiException.invalid("name must match " + ServiceRegistration.SERVICE_NAME.pattern());
        }
        if (capability != null
                && !ServiceRegistration.CAPABILITY.matcher(capability).matches()) {
            throw ApiException.invalid("capability must match " + ServiceRegistration.CAPABILITY.pattern());
        }
        if (since != null) {
            if (kind != null || capability != null || status != null) {
                throw ApiException.invalid("since combines only with name; filter the changes by kind, capability"
                        + " or status on the client");
            }
            return ResponseEntity.ok().cacheControl(CacheControl.noCache()).body(changes.after(since, name));
        }
        if (kind != null || capability != null) {
            return ResponseEntity.ok(view.services(name, kind, capability, status));
        }
        DiscoveryBodies.Body body = bodies.services(name, status);
        return cached(body.etag(), body.version(), ifNoneMatch, acceptEncoding, body.json(), body.gzip());
    }

    private static ResponseEntity<byte[]> cached(
            String etag,
            long version,
            String ifNoneMatch,
            String acceptEncoding,
            byte[] json,
            RegistryView.Gzipped gzip) {
        boolean notModified = matches(ifNoneMatch, etag);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(
                        notModified ? HttpStatus.NOT_MODIFIED : HttpStatus.OK)
                .eTag(etag)
                .cacheControl(CacheControl.noCache())
                .varyBy(HttpHeaders.ACCEPT_ENCODING)
                .header("X-Forge-Event-Id", Long.toString(version));
        if (notModified) {
            return response.build();
        }
        response.contentType(MediaType.APPLICATION_JSON);
        if (acceptEncoding != null
                && acceptEncoding.toLowerCase(java.util.Locale.ROOT).contains("gzip")) {
            return response.header(HttpHeaders.CONTENT_ENCODING, "gzip").body(gzip.bytes());
        }
        return response.body(json);
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
