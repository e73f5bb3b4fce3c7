-- The company a signed-in admin acts for (delivery.retry_failed, revenue's writers): the one given, or
-- the only one they administer. Refused, with a sentence saying why, to anonymous sign-ins and non-admins.
create or replace function app.admin_company(company uuid, action text) returns uuid
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
  target uuid := company;
  n int;
begin
  if uid is null then
    raise exception 'sign in first' using errcode = '42501';
  end if;
  if app.is_anonymous() then
    raise exception 'an anonymous sign-in cannot %: sign up with an email or a provider first', action
      using errcode = '42501';
  end if;
  if target is null then
    select count(*), pg_catalog.min(m.company_id::text)::uuid into n, target
    from app.company_members m
    where m.user_id = uid and app.role_rank(m.role) >= app.role_rank('marketing_admin');
    if n > 1 then
      raise exception 'you administer % companies: say which one (company_id)', n using errcode = '22023';
    end if;
  end if;
  if target is null or not app.has_company_access(target, 'marketing_admin') then
    raise exception 'only a marketing or backoffice admin of the company may %', action using errcode = '42501';
  end if;
  return target;
end
$$;
revoke all on function app.admin_company(uuid,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function app.admin_company(uuid,text) to authenticated, service_role;
