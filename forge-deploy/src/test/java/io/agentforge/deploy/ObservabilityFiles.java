package io.agentforge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Grafana dashboard, the Prometheus alert rules (both in the chart's files/, shared with Compose) and the list of
 * metric names the services export, with just enough PromQL reading to find the metrics an expression names.
 */
final class ObservabilityFiles {

    static final Path DASHBOARD = RenderedChart.CHART_DIR.resolve("files/agent-forge-dashboard.json");
    static final Path ALERTS = RenderedChart.CHART_DIR.resolve("files/agent-forge-alerts.yaml");
    static final Path EXPORTED_METRICS = Path.of("..", "deploy", "observability", "exported-metrics.txt")
            .toAbsolutePath()
            .normalize();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "Inf",
            "NaN");

    private ObservabilityFiles() {}

    static JsonNode dashboard() {
        try {
            return JSON.readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode alerts() {
        try {
            return YAML.readTree(ALERTS.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every PromQL expression of the dashboard's panels, by panel title. */
    static Map<String, List<String>> dashboardQueries() {
        Map<String, List<String>> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard().path("panels")) {
            List<String> expressions = new ArrayList<>();
            panel.path("targets")
                    .forEach(target -> expressions.add(target.path("expr").asText()));
            if (!"row".equals(panel.path("type").asText())) {
                queries.put(panel.path("title").asText(), expressions);
            }
        }
        return queries;
    }

    /** Every alert rule's expression, by alert name. */
    static Map<String, String> alertExpressions() {
        Map<String, String> alerts = new LinkedHashMap<>();
        for (JsonNode group : alerts().path("groups")) {
            group.path("rules")
                    .forEach(rule -> alerts.put(
                            rule.path("alert").asText(), rule.path("expr").asText()));
        }
        return alerts;
    }

    /** Sample name to exporter, from deploy/observability/exported-metrics.txt. */
    static Map<String, String> exportedMetrics() {
        Map<String, String> metrics = new LinkedHashMap<>();
        for (String line : read(EXPORTED_METRICS).lines().toList()) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalStateException("Not 'name exporter': " + line);
            }
            metrics.put(fields[0], fields[1]);
        }
        return metrics;
    }

    /**
     * The metric names a PromQL expression selects: identifiers left once strings, label matchers, ranges and
     * grouping clauses are removed, that are neither function calls nor keywords.
     */
    static Set<String> metricNames(String expression) {
        String rest = STRING.matcher(expression).replaceAll(" ");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String name = identifier.group();
            boolean call = rest.substring(identifier.end()).stripLeading().startsWith("(");
            boolean partOfNumber = identifier.start() > 0
                    && (Character.isDigit(rest.charAt(identifier.start() - 1))
                            || rest.charAt(identifier.start() - 1) == '.');
            if (!call && !partOfNumber && !KEYWORDS.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }
}
