-- The company a signed-in user acts for: the one given (they must be a marketing or backoffice admin of
-- it), or, left out, the only one they administer. Raises 42501 / 22023 otherwise.
create or replace function revenue.admin_company(company uuid, action text) returns uuid
language sql stable
security definer
set search_path = ''
as $$
  select app.admin_company(company, action)
$$;
revoke all on function revenue.admin_company(uuid,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.admin_company(uuid,text) to authenticated, service_role;
