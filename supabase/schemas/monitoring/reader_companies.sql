create or replace function monitoring.reader_companies(who name) returns uuid []
language sql stable security definer
set search_path = ''
as $$
  select coalesce(pg_catalog.array_agg(x.company_id), '{}')
  from monitoring.readers x where x.role_name = who and x.company_id is not null
$$;
comment on function monitoring.reader_companies(name) is 'The companies a per-tenant reader role may read.';
revoke all on function monitoring.reader_companies(name) from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.reader_companies(name) to authenticated, looker_reader, service_role;
