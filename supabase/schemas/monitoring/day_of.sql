-- The day a timestamp falls on in Brazil (the product's market; Looker Studio days are BRT days).
create or replace function monitoring.day_of(ts timestamptz) returns date
language sql immutable parallel safe
as $$
  select (pg_catalog.timezone('America/Sao_Paulo', ts))::date
$$;
revoke all on function monitoring.day_of(timestamp with time zone) from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.day_of(timestamp with time zone) to authenticated, looker_reader, service_role;
