-- Privileges on this schema (what Looker Studio reads; not in [api].schemas, so PostgREST never serves it).
-- Each view's file grants it to looker_reader; monitoring.add_reader grants every view to a registered reader.

revoke all on schema reporting from public, anon, authenticated, service_role, looker_reader;
grant usage on schema reporting to looker_reader, service_role;
