-- The event_id of a business fact: sha256 of company, source, the provider's id and the Meta event name.
-- Stable, as convert_to is: an immutable function calling a stable one is never inlined, and this one is
-- called for every event of a batch.
create or replace function tracking.derive_event_id(company uuid, source text, provider_ref text, event_name text)
returns text
language sql stable parallel safe
as $$
  select pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
    company::text || ':' || source || ':' || provider_ref || ':' || event_name, 'UTF8')), 'hex')
$$;
revoke all on function tracking.derive_event_id(uuid,text,text,text) from public, anon, authenticated, service_role, looker_reader;
