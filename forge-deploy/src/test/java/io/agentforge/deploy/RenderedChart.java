package io.agentforge.deploy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The chart in deploy/helm/agent-forge rendered offline by helm-java and parsed into typed Kubernetes objects. */
final class RenderedChart {

    static final Path CHART_DIR =
            Path.of("..", "deploy", "helm", "agent-forge").toAbsolutePath().normalize();
    /** Contains the chart name, so resources are named agent-forge-<component>. */
    static final String RELEASE = "agent-forge";

    static final String NAMESPACE = "forge";
    static final String KUBE_VERSION = "v1.32.0";
    static final List<String> COMPONENTS = List.of("registry", "agent", "calculator", "console", "gateway");
    static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    /** The least-privilege role the registry gives each component's own key (AGENTFORGE_SERVICE_KEYS). */
    static final Map<String, String> SERVICE_KEY_ROLES = Map.of(
            "agent", "service",
            "calculator", "service",
            "console", "client",
            "gateway", "service");

    private final List<KubernetesResource> resources;

    private RenderedChart(List<KubernetesResource> resources) {
        this.resources = List.copyOf(resources);
    }

    static RenderedChart render(Path... valuesFiles) {
        if (!Files.isRegularFile(CHART_DIR.resolve("Chart.yaml"))) {
            throw new IllegalStateException("No chart at " + CHART_DIR);
        }
        var template = new Helm(CHART_DIR)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        for (Path valuesFile : valuesFiles) {
            template = template.withValuesFile(valuesFile);
        }
        return new RenderedChart(parse(template.call()));
    }

    static Path testResource(String name) {
        return Path.of("src", "test", "resources", name).toAbsolutePath();
    }

    private static List<KubernetesResource> parse(String manifest) {
        return Arrays.stream(manifest.split("(?m)^---\\s*$"))
                .filter(document -> document.lines().anyMatch(line -> !line.isBlank() && !line.startsWith("#")))
                .map(document -> (KubernetesResource) Serialization.unmarshal(document))
                .toList();
    }

    static String name(String component) {
        return RELEASE + "-" + component;
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null
                && !selector.isEmpty()
                && labels != null
                && labels.entrySet().containsAll(selector.entrySet());
    }

    static String componentOf(HasMetadata resource) {
        return resource.getMetadata().getLabels().get(COMPONENT_LABEL);
    }

    List<KubernetesResource> resources() {
        return resources;
    }

    <T> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream()
                .filter(r -> name.equals(r.getMetadata().getName()))
                .findFirst();
    }

    <T extends HasMetadata> T named(Class<T> type, String name) {
        return find(type, name)
                .orElseThrow(() ->
                        new AssertionError("no " + type.getSimpleName() + " named " + name + " in the rendered chart"));
    }

    /** Custom resources (Linkerd, cert-manager, CloudNativePG, Prometheus operator) of one API group and kind. */
    List<GenericKubernetesResource> custom(String apiGroup, String kind) {
        return all(GenericKubernetesResource.class).stream()
                .filter(r -> r.getApiVersion().startsWith(apiGroup + "/") && kind.equals(r.getKind()))
                .toList();
    }

    GenericKubernetesResource custom(String apiGroup, String kind, String name) {
        return custom(apiGroup, kind).stream()
                .filter(r -> name.equals(r.getMetadata().getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in the rendered chart"));
    }

    Deployment deployment(String component) {
        return named(Deployment.class, name(component));
    }

    static Container container(Deployment deployment) {
        List<Container> containers =
                deployment.getSpec().getTemplate().getSpec().getContainers();
        if (containers.size() != 1) {
            throw new AssertionError(deployment.getMetadata().getName() + " has " + containers.size() + " containers");
        }
        return containers.getFirst();
    }

    /** The plain environment a container sees: its ConfigMaps (envFrom) overlaid with literal env values. */
    Map<String, String> plainEnv(Deployment deployment) {
        Container container = container(deployment);
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource source : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
            if (source.getConfigMapRef() != null) {
                env.putAll(named(ConfigMap.class, source.getConfigMapRef().getName())
                        .getData());
            }
        }
        for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
            if (var.getValueFrom() == null) {
                env.put(var.getName(), var.getValue());
            }
        }
        return env;
    }

    static Optional<EnvVar> envVar(Deployment deployment, String name) {
        return Optional.ofNullable(container(deployment).getEnv()).orElse(List.of()).stream()
                .filter(var -> name.equals(var.getName()))
                .findFirst();
    }

    /** The entries of the registry's AGENTFORGE_SERVICE_KEYS as written ({@code name:role:$(VAR)}); empty when unset. */
    static List<String> serviceKeyEntries(Deployment registry) {
        return envVar(registry, "AGENTFORGE_SERVICE_KEYS")
                .map(var -> List.of(var.getValue().split(",")))
                .orElse(List.of());
    }

    /** The env variable names of a container, in declaration order (Kubernetes expands $(VAR) only backwards). */
    static List<String> envNames(Deployment deployment) {
        return Optional.ofNullable(container(deployment).getEnv()).orElse(List.of()).stream()
                .map(EnvVar::getName)
                .toList();
    }

    /** Decoded entries of one rendered Secret. */
    Map<String, String> secretData(String secretName) {
        return decoded(named(Secret.class, secretName));
    }

    static Map<String, String> decoded(Secret secret) {
        Map<String, String> data = new LinkedHashMap<>();
        Optional.ofNullable(secret.getData())
                .orElse(Map.of())
                .forEach((key, value) ->
                        data.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
        Optional.ofNullable(secret.getStringData()).orElse(Map.of()).forEach(data::put);
        return data;
    }

    @SuppressWarnings("unchecked")
    static <T> T field(GenericKubernetesResource resource, Object... path) {
        Object value = resource.get(path);
        if (value == null) {
            throw new AssertionError(resource.getKind() + " "
                    + resource.getMetadata().getName() + " has no "
                    + String.join(
                            ".", Arrays.stream(path).map(Objects::toString).toList()));
        }
        return (T) value;
    }
}
