-- One company at a time (functions, monitoring.member_of): the same rule as app.my_company_ids, which
-- every policy uses. security definer so it can be called where company_members is not readable.
create or replace function app.has_company_access(company uuid, min_role text default 'viewer') returns boolean
language sql stable security definer
set search_path = ''
as $$
  select company = any (app.my_company_ids(min_role))
$$;
comment on function app.has_company_access(uuid,text) is 'True when the JWT user is a member of the company with at least min_role (above viewer: not an anonymous sign-in).';
revoke all on function app.has_company_access(uuid,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function app.has_company_access(uuid,text) to authenticated, service_role;
