package io.agentforge.registry.instance;

import static io.agentforge.registry.instance.JdbcValues.instant;
import static io.agentforge.registry.instance.JdbcValues.textArray;
import static io.agentforge.registry.instance.JdbcValues.utc;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The owned service and function names of {@link JdbcInstanceStore}. Every method that checks or changes ownership
 * must run inside the store's write lock, which makes the check and the write atomic across replicas.
 */
final class JdbcNameOwnership {

    private final JdbcTemplate jdbc;

    JdbcNameOwnership(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Checks that the registrant may register under the service name and its function names, and claims the names
     * not yet owned.
     *
     * @throws NameOwnedException         when another key owns the service name
     * @throws KindConflictException      when the name is owned with another kind
     * @throws FunctionConflictException  when another service owns or serves one of the function names
     * @throws InstanceLimitException     when the registrant's key already holds its maximum of instances
     */
    void claim(ServiceRegistration registration, Registrant registrant, Instant now) {
        String id = registration.instanceId();
        String service = registration.name();
        String ownerKeyId = registrant.keyId();
        Optional<ServiceOwner> owner = jdbc
                .query("select * from service_owners where service = ? for update", JdbcNameOwnership::owner, service)
                .stream()
                .findFirst();
        if (owner.isPresent()) {
            if (!registrant.admin() && !Objects.equals(owner.get().keyId(), ownerKeyId)) {
                throw new NameOwnedException(service);
            }
            if (owner.get().kind() != registration.kind()) {
                throw new KindConflictException(service, owner.get().kind(), registration.kind());
            }
        }
        List<String> names =
                registration.functions().stream().map(FunctionDescriptor::name).toList();
        List<String> unowned = unownedFunctions(names, service);
        if (!unowned.isEmpty()) {
            // Names no service owns yet: live instances registered before names were owned may still serve them.
            List<Map<String, Object>> conflicts = jdbc.queryForList("""
                    select f.function_name, i.service from instance_functions f
                    join instances i on i.instance_id = f.instance_id
                    where f.function_name = any(?) and i.service <> ?
                    limit 1
                    """, textArray(unowned), service);
            if (!conflicts.isEmpty()) {
                throw new FunctionConflictException(
                        (String) conflicts.getFirst().get("function_name"),
                        (String) conflicts.getFirst().get("service"));
            }
        }
        // An unlimited key (the default for admins and tools) needs no count of what it holds.
        if (!registrant.admin() && ownerKeyId != null && registrant.maxInstances() != Integer.MAX_VALUE) {
            Long held = jdbc.queryForObject(
                    "select count(*) from instances where owner_key_id = ? and instance_id <> ?",
                    Long.class,
                    ownerKeyId,
                    id);
            if (held != null && held >= registrant.maxInstances()) {
                throw new InstanceLimitException(registrant.maxInstances());
            }
        }
        if (owner.isEmpty()) {
            jdbc.update(
                    "insert into service_owners (service, kind, owner_key_id, claimed_at) values (?, ?, ?, ?)",
                    service,
                    registration.kind().name(),
                    ownerKeyId,
                    utc(now));
        }
        if (!unowned.isEmpty()) {
            jdbc.update("""
                    insert into function_owners (function_name, service) select name, ? from unnest(?::text[]) name
                    on conflict (function_name) do nothing
                    """, service, textArray(unowned));
        }
    }

    /**
     * The function names no service owns yet.
     *
     * @throws FunctionConflictException when another service owns one of them
     */
    private List<String> unownedFunctions(List<String> names, String service) {
        if (names.isEmpty()) {
            return List.of();
        }
        Map<String, String> owners = new HashMap<>();
        jdbc.query(
                "select function_name, service from function_owners where function_name = any(?)",
                rs -> {
                    owners.put(rs.getString("function_name"), rs.getString("service"));
                },
                (Object) textArray(names));
        for (String name : names) {
            String owning = owners.get(name);
            if (owning != null && !owning.equals(service)) {
                throw new FunctionConflictException(name, owning);
            }
        }
        // Usually none: every registration after the first of a service finds its names owned.
        return names.stream().filter(name -> !owners.containsKey(name)).toList();
    }

    Optional<ServiceOwner> ownerOf(String service) {
        return jdbc.query("select * from service_owners where service = ?", JdbcNameOwnership::owner, service).stream()
                .findFirst();
    }

    OwnerRelease release(String service) {
        if (jdbc.queryForList("select service from service_owners where service = ? for update", String.class, service)
                .isEmpty()) {
            return OwnerRelease.NOT_OWNED;
        }
        Boolean live = jdbc.queryForObject(
                "select exists (select 1 from instances where service = ?)", Boolean.class, service);
        if (Boolean.TRUE.equals(live)) {
            return OwnerRelease.IN_USE;
        }
        // function_owners rows go with it (on delete cascade).
        jdbc.update("delete from service_owners where service = ?", service);
        return OwnerRelease.RELEASED;
    }

    private static ServiceOwner owner(ResultSet rs, int row) throws SQLException {
        return new ServiceOwner(
                rs.getString("service"),
                ServiceKind.valueOf(rs.getString("kind")),
                rs.getString("owner_key_id"),
                instant(rs, "claimed_at"));
    }
}
