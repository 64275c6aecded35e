package io.agentforge.deploy.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/compose/docker-compose.yml parsed as Compose parses it: YAML anchors, aliases and {@code <<} merge keys
 * resolved, duplicate keys refused. Variables are left as written unless {@link #interpolated} is asked for.
 */
final class ComposeFile {

    static final Path DIR = Path.of("..", "deploy", "compose").toAbsolutePath().normalize();
    static final Path FILE = DIR.resolve("docker-compose.yml");
    static final Path ENV_EXAMPLE = DIR.resolve(".env.example");

    /** The Agent Forge services and their HTTP ports: the runtime contract of the images. */
    static final Map<String, Integer> APP_PORTS = Map.of(
            "console", 8080,
            "registry", 8081,
            "agent", 8082,
            "calculator", 8083,
            "gateway", 8084);

    /** The services that authenticate to the registry with their own key, and the role each key gets. */
    static final Map<String, String> SERVICE_KEY_ROLES = Map.of(
            "agent", "service",
            "calculator", "service",
            "console", "client",
            "gateway", "service");

    /**
     * One {@code name:role[+role][:services=a|b-*[;kinds=tool|agent]]:af_<keyId>_<secret>} entry, as the registry
     * parses AGENTFORGE_SERVICE_KEYS.
     */
    private static final Pattern SERVICE_KEY_ENTRY = Pattern.compile(
            "([A-Za-z0-9][A-Za-z0-9 ._-]{0,63}):((?:admin|service|client)(?:\\+(?:admin|service|client))*)"
                    + "(?::services=([A-Za-z0-9._*|-]+)(?:;kinds=([a-z|]+))?)?"
                    + ":(af_([a-z0-9]{8,32})_[A-Za-z0-9_-]{16,128})");

    private final Map<String, Object> root;

    /** .env.example with the secrets ./gen-env.sh generates filled in: what a first `docker compose up` sees. */
    static Map<String, String> exampleEnvWithSecrets() {
        Map<String, String> env = new LinkedHashMap<>(EnvFile.read(ENV_EXAMPLE).resolved());
        env.put("AGENTFORGE_ADMIN_KEY", "af_abcdefgh1234_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn");
        env.put("AGENTFORGE_AGENT_API_KEY", "af_agent0000001_AgentSecretAgentSecretAgentSecret0001");
        env.put("AGENTFORGE_CALCULATOR_API_KEY", "af_calc00000001_CalculatorSecretCalculatorSecret0001");
        env.put("AGENTFORGE_CONSOLE_API_KEY", "af_console00001_ConsoleSecretConsoleSecretConsole0001");
        env.put("AGENTFORGE_GATEWAY_API_KEY", "af_gateway00001_GatewaySecretGatewaySecretGateway0001");
        env.put("AGENTFORGE_DATABASE_PASSWORD", "p4ssw0rdp4ssw0rdp4ssw0rdp4ssw0rd");
        env.put("AGENTFORGE_AGENT_DATABASE_PASSWORD", "4gentp4ssw0rd4gentp4ssw0rd4gentp");
        env.put("TRAEFIK_DASHBOARD_USERS", "admin:$apr1$salt$hash");
        return env;
    }

    private ComposeFile(Map<String, Object> root) {
        this.root = root;
    }

    static ComposeFile load() {
        return parse(read(FILE));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ComposeFile parse(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object document = new Yaml(new SafeConstructor(options)).load(yaml);
        if (!(document instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("A Compose file is a mapping");
        }
        return new ComposeFile(asMap(document));
    }

    Map<String, Object> root() {
        return root;
    }

    /** This file with every variable replaced as Compose would from {@code env}. */
    @SuppressWarnings("unchecked")
    ComposeFile interpolated(Map<String, String> env) {
        return new ComposeFile((Map<String, Object>) Interpolation.interpolateTree(root, env));
    }

    /** The services a plain {@code docker compose up} starts: those in no profile. */
    Set<String> serviceNames() {
        Set<String> names = new LinkedHashSet<>();
        asMap(root.get("services")).forEach((name, spec) -> {
            if (!asMap(spec).containsKey("profiles")) {
                names.add(name);
            }
        });
        return names;
    }

    /** The services only {@code --profile <profile>} starts. */
    Set<String> profileServiceNames(String profile) {
        Set<String> names = new LinkedHashSet<>();
        asMap(root.get("services")).forEach((name, spec) -> {
            Object profiles = asMap(spec).get("profiles");
            if (profiles instanceof List<?> list && list.contains(profile)) {
                names.add(name);
            }
        });
        return names;
    }

    /** Every service, in a profile or not. */
    List<Service> allServices() {
        return asMap(root.get("services")).keySet().stream().map(this::service).toList();
    }

    Service service(String name) {
        Object spec = asMap(root.get("services")).get(name);
        if (spec == null) {
            throw new IllegalArgumentException("No service " + name);
        }
        return new Service(name, asMap(spec));
    }

    List<Service> services() {
        return serviceNames().stream().map(this::service).toList();
    }

    Map<String, Object> networks() {
        return asMap(root.getOrDefault("networks", Map.of()));
    }

    Map<String, Object> volumes() {
        return asMap(root.getOrDefault("volumes", Map.of()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("Expected a mapping, got " + value);
        }
        return (Map<String, Object>) value;
    }

    /**
     * One entry of the registry's AGENTFORGE_SERVICE_KEYS.
     *
     * @param name     the key's name in the registry
     * @param roles    {@code role[+role]}
     * @param services the service names (or {@code name-*} globs) the key may register; empty for none given
     * @param kinds    the kinds it may register as given ({@code tool}, {@code agent}); empty when not given, which
     *                 the registry reads as {@code tool}
     * @param key      {@code af_<keyId>_<secret>}
     * @param keyId    the part of the key between {@code af_} and the second {@code _}
     */
    record ServiceKey(String name, String roles, List<String> services, List<String> kinds, String key, String keyId) {}

    private static List<String> alternatives(String value) {
        return value == null ? List.of() : List.of(value.split("\\|"));
    }

    /**
     * Splits an interpolated AGENTFORGE_SERVICE_KEYS value into its entries, keyed by name, refusing what the
     * registry would refuse to start with: a malformed entry or a name used twice.
     */
    static Map<String, ServiceKey> serviceKeys(String value) {
        Map<String, ServiceKey> keys = new LinkedHashMap<>();
        for (String entry : value.split(",", -1)) {
            Matcher matcher = SERVICE_KEY_ENTRY.matcher(entry);
            if (!matcher.matches()) {
                throw new IllegalArgumentException(
                        "Not a name:role[+role][:services=…[;kinds=…]]:af_<keyId>_<secret> entry: " + entry);
            }
            ServiceKey key = new ServiceKey(
                    matcher.group(1),
                    matcher.group(2),
                    alternatives(matcher.group(3)),
                    alternatives(matcher.group(4)),
                    matcher.group(5),
                    matcher.group(6));
            if (keys.put(key.name(), key) != null) {
                throw new IllegalArgumentException("Two entries named " + key.name());
            }
        }
        return keys;
    }

    /** One service: accessors that accept both the list and the mapping forms Compose allows. */
    record Service(String name, Map<String, Object> spec) {

        Optional<Object> get(String key) {
            return Optional.ofNullable(spec.get(key));
        }

        Optional<String> string(String key) {
            return get(key).map(String::valueOf);
        }

        /** {@code environment} as a map; a list entry without {@code =} maps to null (passed through). */
        Map<String, String> environment() {
            return keyValues(spec.get("environment"));
        }

        Map<String, String> labels() {
            return keyValues(spec.get("labels"));
        }

        /** The names of the networks the service joins. */
        List<String> networks() {
            Object networks = spec.get("networks");
            if (networks instanceof List<?> list) {
                return list.stream().map(String::valueOf).toList();
            }
            return List.copyOf(asMap(networks).keySet());
        }

        /** The attachment options of one network (empty for the list form or a null entry). */
        Map<String, Object> network(String network) {
            Object networks = spec.get("networks");
            return networks instanceof Map<?, ?> map ? asMap(map.get(network)) : Map.of();
        }

        /** A list entry (ports, volumes, command, ...) as strings; a single value becomes a one-element list. */
        List<String> strings(String key) {
            Object value = spec.get(key);
            if (value == null) {
                return List.of();
            }
            if (value instanceof List<?> list) {
                return list.stream().map(String::valueOf).toList();
            }
            return List.of(String.valueOf(value));
        }

        Map<String, Object> map(String key) {
            return asMap(spec.get(key));
        }

        /** {@code depends_on}: service name to condition; the short list form means {@code service_started}. */
        Map<String, String> dependsOn() {
            Object value = spec.get("depends_on");
            Map<String, String> conditions = new LinkedHashMap<>();
            if (value instanceof List<?> list) {
                list.forEach(name -> conditions.put(String.valueOf(name), "service_started"));
            } else {
                asMap(value)
                        .forEach((name, options) -> conditions.put(
                                name, String.valueOf(asMap(options).get("condition"))));
            }
            return conditions;
        }

        /** The healthcheck's test as a list of strings; a plain string becomes {@code [CMD-SHELL, string]}. */
        List<String> healthcheckTest() {
            Object test = map("healthcheck").get("test");
            if (test == null) {
                return List.of();
            }
            if (test instanceof List<?> list) {
                return list.stream().map(String::valueOf).toList();
            }
            return List.of("CMD-SHELL", String.valueOf(test));
        }

        private static Map<String, String> keyValues(Object value) {
            Map<String, String> result = new LinkedHashMap<>();
            if (value instanceof List<?> list) {
                for (Object item : list) {
                    String entry = String.valueOf(item);
                    int eq = entry.indexOf('=');
                    result.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? null : entry.substring(eq + 1));
                }
            } else {
                asMap(value).forEach((key, v) -> result.put(key, v == null ? null : String.valueOf(v)));
            }
            return result;
        }
    }
}
