-- How callers reach an instance: 'forge' (POST /forge/functions/{name}) or 'mcp' (an MCP server's tools/call).
-- The registration document carries it too (registrations written before this migration have none: forge);
-- the column lets an operator find the MCP servers with SQL.
alter table instances add column protocol text not null default 'forge';

create index instances_protocol on instances (protocol) where protocol <> 'forge';
