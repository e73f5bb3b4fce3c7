-- Response headers worth keeping: everything but cookies and anything that smells of a credential.
create or replace function delivery.safe_headers(headers jsonb) returns jsonb
language sql immutable
set search_path = ''
as $$
  select coalesce(pg_catalog.jsonb_object_agg(pg_catalog.lower(k), v), '{}'::jsonb)
  from pg_catalog.jsonb_each(coalesce(headers, '{}'::jsonb)) as h (k, v)
  where k !~* '(cookie|authori[sz]ation|authenticat|token|secret|password|proof|api[-_]?key)'
$$;
revoke all on function delivery.safe_headers(jsonb) from public, anon, authenticated, service_role, looker_reader;
