-- The company of a pixel the JWT user may administer (the override RPCs). A pixel of no company of
-- theirs is unknown (42704, hint unknown_destination: another company's looks the same); a member below
-- marketing admin, or an anonymous sign-in, is refused (42501, hint admin_role_required).
create or replace function delivery.admin_destination_company(destination bigint, action text) returns uuid
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  company uuid;
begin
  select d.company_id into company from delivery.destinations d
  where d.id = destination and d.company_id = any (app.my_company_ids());
  if company is null then
    raise exception 'no pixel % among your companies'' destinations', coalesce(destination::text, 'null')
      using errcode = '42704', hint = 'unknown_destination';
  end if;
  if not app.has_company_access(company, 'marketing_admin') then
    raise exception 'only a marketing or backoffice admin of the company may %', action
      using errcode = '42501', hint = 'admin_role_required';
  end if;
  return company;
end
$$;
revoke all on function delivery.admin_destination_company(bigint,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.admin_destination_company(bigint,text) to service_role;
