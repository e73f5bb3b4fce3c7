-- Hosted Supabase's `postgres` is not a superuser, so "sees every company" by rolsuper left the pg_cron
-- attribution job and the views it reads empty there. A role that bypasses RLS reads every company's
-- base rows anyway (postgres, service_role, the local superuser): it sees every company in the views too.
create or replace function monitoring.sees_all(who name) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select who = 'service_role'
      or coalesce((select r.rolsuper or r.rolbypassrls from pg_catalog.pg_roles r where r.rolname = who), false)
      or exists (select 1 from monitoring.readers x where x.role_name = who and x.company_id is null)
$$;
comment on function monitoring.sees_all(name) is 'True when this database role may read every company: service_role, roles that bypass RLS, global readers.';
revoke all on function monitoring.sees_all(name) from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.sees_all(name) to authenticated, looker_reader, service_role;
