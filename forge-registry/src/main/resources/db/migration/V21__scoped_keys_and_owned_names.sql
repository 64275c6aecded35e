-- Scoped keys, owned names, key revocations on the change feed (issue 11).

-- The service names (or trailing-* globs) and kinds a service key may register, comma-separated. Keys created
-- before this migration get an empty scope: as service keys they may register nothing until replaced.
alter table api_keys add column services text not null default '';
alter table api_keys add column kinds text not null default '';

-- A service name belongs to the key and kind of its first registration until an admin releases it, whether or not
-- instances are live. Names in use at the upgrade are not backfilled: the first registration after it claims them
-- (only a key an admin scoped to the name can), while live instances keep their function names (see instance_functions).
create table service_owners (
    service      text primary key,
    kind         text        not null,
    owner_key_id text,
    claimed_at   timestamptz not null
);

-- A function name belongs to the service that first published it, for as long as the service name is owned.
create table function_owners (
    function_name text primary key,
    service       text not null references service_owners (service) on delete cascade
);

create index function_owners_service on function_owners (service);

-- Instances per key are limited; the check counts them.
create index instances_owner_key_id on instances (owner_key_id);

-- key-revoked events carry a key id and no instance.
alter table change_events alter column instance drop not null;
alter table change_events add column key_id text;
