package io.agentforge.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Reading the chart's YAML files and making lint-able copies of the chart with other values. */
final class ChartFiles {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ChartFiles() {}

    static Map<String, Object> chartYaml() {
        return read(RenderedChart.CHART_DIR.resolve("Chart.yaml"));
    }

    static Map<String, Object> read(Path file) {
        try {
            return YAML.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies the chart into {@code parent}/agent-forge (lint wants the directory named after the chart) with a
     * values.yaml that is the chart's defaults overlaid with {@code overrides}: helm lint takes no values file.
     */
    static Path copyWithValues(Path parent, Map<String, Object> overrides) {
        Path copy = parent.resolve(RenderedChart.CHART_DIR.getFileName());
        try (Stream<Path> files = Files.walk(RenderedChart.CHART_DIR)) {
            for (Path source : files.toList()) {
                Path target =
                        copy.resolve(RenderedChart.CHART_DIR.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
            Map<String, Object> values = read(RenderedChart.CHART_DIR.resolve("values.yaml"));
            YAML.writeValue(copy.resolve("values.yaml").toFile(), merge(values, overrides));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        overrides.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map && merged.get(key) instanceof Map<?, ?> existing) {
                merged.put(key, merge((Map<String, Object>) existing, (Map<String, Object>) map));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }
}
