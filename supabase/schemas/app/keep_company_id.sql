-- company_id never moves once written, except by the service role (RLS-bypassing backend).
create or replace function app.keep_company_id() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.company_id is distinct from old.company_id and current_user <> 'service_role'
     and coalesce((select auth.role()), '') <> 'service_role' then
    raise exception 'company_id cannot be changed'
      using errcode = '42501', hint = 'create a new row in the other company instead';
  end if;
  return new;
end
$$;
revoke all on function app.keep_company_id() from public, anon, authenticated, service_role, looker_reader;
