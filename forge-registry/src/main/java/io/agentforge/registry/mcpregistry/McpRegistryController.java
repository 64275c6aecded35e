package io.agentforge.registry.mcpregistry;

import io.agentforge.registry.mcpregistry.ServerDocuments.Metadata;
import io.agentforge.registry.mcpregistry.ServerDocuments.ServerList;
import io.agentforge.registry.mcpregistry.ServerDocuments.ServerResponse;
import io.agentforge.registry.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The read side of the MCP Registry API (version v0.1), so MCP-registry-aware clients can discover the registry's
 * tools. Publishing is not offered: tools join by registering with the registry's own API.
 */
@RestController
@RequestMapping("/v0.1/servers")
@Tag(name = "MCP Registry", description = "The live catalog's tools as MCP Registry server.json documents")
class McpRegistryController {

    static final int DEFAULT_LIMIT = 30;
    static final int MAX_LIMIT = 100;
    private static final int MAX_SEARCH = 200;
    private static final String CURSOR_PREFIX = "n1:";
    // server.json's name pattern: a namespace, one slash, a name.
    private static final Pattern SERVER_NAME = Pattern.compile("[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+");

    private final ServerDocuments documents;

    McpRegistryController(ServerDocuments documents) {
        this.documents = documents;
    }

    @GetMapping
    @Operation(
            summary = "Tools with an UP instance as server.json documents, sorted by name. Pages of `limit` (1..100,"
                    + " default 30); pass metadata.nextCursor back as `cursor` for the next page. `search` matches a"
                    + " substring of the name, `updated_since` (RFC 3339) keeps servers updated at or after it,"
                    + " `version` is 'latest' or an exact version.")
    ResponseEntity<ServerList> list(
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(required = false) @Nullable String limit,
            @RequestParam(required = false) @Nullable String search,
            @RequestParam(name = "updated_since", required = false) @Nullable String updatedSince,
            @RequestParam(required = false) @Nullable String version,
            @RequestParam(name = "include_deleted", required = false) @Nullable String includeDeleted) {
        int pageSize = limit(limit);
        @Nullable String after = cursor == null ? null : decodeCursor(cursor);
        @Nullable String needle = search(search);
        @Nullable Instant since = updatedSince == null ? null : timestamp(updatedSince);
        @Nullable String exactVersion = version(version);
        flag("include_deleted", includeDeleted); // nothing is ever deleted here: accepted and without effect
        List<ServerResponse> page = new ArrayList<>();
        boolean more = false;
        for (ServerResponse server : documents.current()) {
            String name = server.server().name();
            if ((after != null && name.compareTo(after) <= 0)
                    || (needle != null && !name.toLowerCase(Locale.ROOT).contains(needle))
                    || (since != null && server.updatedAt().isBefore(since))
                    || (exactVersion != null && !server.server().version().equals(exactVersion))) {
                continue;
            }
            if (page.size() == pageSize) {
                more = true;
                break;
            }
            page.add(server);
        }
        String next = more ? encodeCursor(page.getLast().server().name()) : null;
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noCache())
                .body(new ServerList(page, new Metadata(next, page.size())));
    }

    @GetMapping("/{serverName}/versions")
    @Operation(summary = "Every version of a server: the registry has one, the live one (name URL-encoded, '/' as %2F)")
    ResponseEntity<ServerList> versions(
            @PathVariable String serverName,
            @RequestParam(name = "include_deleted", required = false) @Nullable String includeDeleted) {
        flag("include_deleted", includeDeleted);
        ServerResponse server = find(serverName);
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noCache())
                .body(new ServerList(List.of(server), new Metadata(null, 1)));
    }

    @GetMapping("/{serverName}/versions/{version}")
    @Operation(summary = "One version of a server ('latest' for the live one), name URL-encoded ('/' as %2F)")
    ResponseEntity<ServerResponse> version(
            @PathVariable String serverName,
            @PathVariable String version,
            @RequestParam(name = "include_deleted", required = false) @Nullable String includeDeleted) {
        flag("include_deleted", includeDeleted);
        ServerResponse server = find(serverName);
        if (!version.equals("latest") && !version.equals(server.server().version())) {
            throw ApiException.notFound("Server '" + shorten(serverName) + "' has no version '" + shorten(version)
                    + "'; its only version is " + server.server().version() + " (also 'latest')");
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).body(server);
    }

    // A client that did not encode the slash sends the name as two segments.
    @GetMapping("/{namespace}/{name}/versions/{version}")
    ResponseEntity<ServerResponse> versionUnencoded(
            @PathVariable String namespace,
            @PathVariable String name,
            @PathVariable String version,
            @RequestParam(name = "include_deleted", required = false) @Nullable String includeDeleted) {
        return version(namespace + "/" + name, version, includeDeleted);
    }

    @GetMapping("/{namespace}/{name}/versions")
    ResponseEntity<ServerList> versionsUnencoded(
            @PathVariable String namespace,
            @PathVariable String name,
            @RequestParam(name = "include_deleted", required = false) @Nullable String includeDeleted) {
        return versions(namespace + "/" + name, includeDeleted);
    }

    private ServerResponse find(String serverName) {
        if (!SERVER_NAME.matcher(serverName).matches() || serverName.length() > 200) {
            throw ApiException.invalid("server name '" + shorten(serverName)
                    + "' is not '<namespace>/<name>' (send the '/' URL-encoded as %2F)");
        }
        return documents.current().stream()
                .filter(s -> s.server().name().equals(serverName))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("No server '" + serverName
                        + "': only tools with an UP instance are listed, named " + documents.serverName("<service>")));
    }

    private static int limit(@Nullable String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.strip());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid(
                "limit must be an integer from 1 to " + MAX_LIMIT + ", was '" + shorten(limit) + "'");
    }

    private static @Nullable String search(@Nullable String search) {
        if (search == null || search.isBlank()) {
            return null;
        }
        if (search.length() > MAX_SEARCH) {
            throw ApiException.invalid("search must be at most " + MAX_SEARCH + " characters");
        }
        return search.strip().toLowerCase(Locale.ROOT);
    }

    private static Instant timestamp(String value) {
        try {
            return OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("updated_since must be an RFC 3339 date-time such as 2026-01-01T00:00:00Z, was '"
                    + shorten(value) + "'");
        }
    }

    private static @Nullable String version(@Nullable String version) {
        if (version == null || version.equals("latest")) {
            return null;
        }
        if (version.isBlank() || version.length() > 255) {
            throw ApiException.invalid("version must be 'latest' or an exact version (at most 255 characters)");
        }
        return version;
    }

    private static void flag(String name, @Nullable String value) {
        if (value != null && !value.equals("true") && !value.equals("false")) {
            throw ApiException.invalid(name + " must be true or false, was '" + shorten(value) + "'");
        }
    }

    // Opaque to clients; it names the last server of the page, so a page stays right when servers come and go.
    static String encodeCursor(String lastName) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((CURSOR_PREFIX + lastName).getBytes(StandardCharsets.UTF_8));
    }

    static String decodeCursor(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8);
            if (decoded.startsWith(CURSOR_PREFIX)
                    && SERVER_NAME
                            .matcher(decoded.substring(CURSOR_PREFIX.length()))
                            .matches()) {
                return decoded.substring(CURSOR_PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ApiException.invalid("cursor '" + shorten(cursor) + "' is not one this registry gave out: pass"
                + " metadata.nextCursor of the previous page unchanged");
    }

    private static String shorten(String value) {
        return value.length() > 80 ? value.substring(0, 77) + "..." : value;
    }
}
