-- The one rule behind every tenant policy. security definer so policies on company_members
-- itself do not recurse.
create or replace function app.has_company_access(company uuid, min_role text default 'viewer') returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1
    from app.company_members m
    where m.company_id = company
      and m.user_id = (select auth.uid())
      and app.role_rank(m.role) >= app.role_rank(min_role)
  )
  and (app.role_rank(min_role) <= app.role_rank('viewer') or not app.is_anonymous())
$$;
comment on function app.has_company_access(uuid,text) is 'True when the JWT user is a member of the company with at least min_role (above viewer: not an anonymous sign-in).';
revoke all on function app.has_company_access(uuid,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function app.has_company_access(uuid,text) to authenticated, service_role;
