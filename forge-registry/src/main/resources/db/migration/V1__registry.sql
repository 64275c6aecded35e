-- Agent Forge registry schema. Times are written from the registry's injected clock, never from now().

create table instances (
    instance_id   text primary key,
    service       text        not null,
    kind          text        not null,
    owner_key_id  text,
    registration  jsonb       not null,
    status        text        not null,
    lease_ms      bigint      not null,
    registered_at timestamptz not null,
    last_renewal  timestamptz not null,
    expires_at    timestamptz not null
);

create index instances_expires_at on instances (expires_at);
create index instances_service on instances (service);

-- Which instance declares which function: enforces "one service per function name" across replicas.
create table instance_functions (
    instance_id   text not null references instances (instance_id) on delete cascade,
    function_name text not null,
    primary key (instance_id, function_name)
);

create index instance_functions_name on instance_functions (function_name);

-- The change feed. Writers hold one advisory lock, so ids become visible in increasing order.
create table change_events (
    id       bigserial primary key,
    type     text        not null,
    at       timestamptz not null,
    instance jsonb       not null
);

create table api_keys (
    key_id      text primary key,
    name        text        not null,
    roles       text        not null,
    secret_hash text        not null,
    created_at  timestamptz not null,
    revoked_at  timestamptz
);
