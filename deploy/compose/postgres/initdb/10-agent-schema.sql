-- The agent's own database identity (docs/deploy-docker.md, "Database users"): a login role "agent" that owns the
-- schema "agent" and has no right on anything else, so the agent cannot read or write the registry's tables (API
-- keys, instances). PostgreSQL runs this once, as the superuser, when it creates the data volume; it is safe to run
-- again on an existing database (see the upgrade steps in the guide). 20-agent-password.sh sets the password.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'agent') THEN
        CREATE ROLE agent LOGIN;
    END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS agent AUTHORIZATION agent;
ALTER ROLE agent SET search_path = agent;

-- Nothing outside its schema: PUBLIC may neither create in nor look into the public schema, where the registry
-- keeps its tables (their owner, the registry's user, keeps every right).
REVOKE ALL ON SCHEMA public FROM PUBLIC;

-- Upgrade from the shared login: conversations kept in public move to the agent's schema, with their history.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['agent_schema_history', 'conversations', 'conversation_turns'] LOOP
        IF to_regclass('public.' || t) IS NOT NULL AND to_regclass('agent.' || t) IS NULL THEN
            EXECUTE format('ALTER TABLE public.%I SET SCHEMA agent', t);
        END IF;
        IF to_regclass('agent.' || t) IS NOT NULL THEN
            EXECUTE format('ALTER TABLE agent.%I OWNER TO agent', t);
        END IF;
    END LOOP;
END
$$;
