package io.agentforge.registry.search;

import io.agentforge.registry.api.CatalogSearchResult;
import io.agentforge.registry.api.SearchMode;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/catalog")
@Tag(name = "Discovery", description = "Services and the function catalog")
class CatalogSearchController {

    private final CatalogSearch search;

    CatalogSearchController(CatalogSearch search) {
        this.search = search;
    }

    @GetMapping("/search")
    @Operation(
            summary = "The k functions of tools with an UP instance that best fit a text, best first, with their"
                    + " fused, lexical (BM25) and semantic (cosine) scores")
    CatalogSearchResult search(
            @Parameter(description = "What the function should do, in words; 1 to 1000 characters")
                    @RequestParam(required = false)
                    String q,
            @Parameter(description = "How many functions to return, 1 to 100") @RequestParam(defaultValue = "10") int k,
            @RequestParam(required = false) ServiceKind kind,
            @RequestParam(required = false) String capability,
            @Parameter(description = "hybrid (default), lexical or semantic") @RequestParam(defaultValue = "hybrid")
                    String mode) {
        if (q == null || q.isBlank()) {
            throw ApiException.invalid("q is required: the text to search the catalog for");
        }
        if (q.length() > CatalogSearchResult.MAX_QUERY) {
            throw ApiException.invalid("q is " + q.length() + " characters long; at most "
                    + CatalogSearchResult.MAX_QUERY + " are allowed");
        }
        if (k < 1 || k > CatalogSearchResult.MAX_K) {
            throw ApiException.invalid("k must be between 1 and " + CatalogSearchResult.MAX_K + ", was " + k);
        }
        if (capability != null
                && !ServiceRegistration.CAPABILITY.matcher(capability).matches()) {
            throw ApiException.invalid("capability must match " + ServiceRegistration.CAPABILITY.pattern());
        }
        return search.search(q.strip(), k, kind, capability, SearchMode.fromWire(mode));
    }
}
