-- A dashboard user (role authenticated, a member's JWT) sees a company when app.has_company_access
-- says so. Wrapped here so the views call only monitoring functions (a reader needs no right in app).
create or replace function monitoring.member_of(company uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select app.has_company_access(company)
$$;
revoke all on function monitoring.member_of(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.member_of(uuid) to authenticated, looker_reader, service_role;
