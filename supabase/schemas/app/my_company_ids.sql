-- The companies the JWT user may act for with at least min_role, computed once per statement: policies
-- call it as `company_id = any((select app.my_company_ids())::uuid [])`, so Postgres evaluates it once (an
-- InitPlan) instead of once per row, as Supabase's RLS performance guide does (the cast makes `any` take
-- the array: without it `any((select ...))` reads as a subquery of uuid[] rows). Above viewer an anonymous
-- sign-in gets none. security definer so policies on company_members itself do not recurse.
create or replace function app.my_company_ids(min_role text default 'viewer') returns uuid []
language sql stable security definer
set search_path = ''
as $$
  select coalesce(pg_catalog.array_agg(m.company_id), '{}')
  from app.company_members m
  where m.user_id = (select auth.uid())
    and app.role_rank(m.role) >= app.role_rank(min_role)
    and (app.role_rank(min_role) <= app.role_rank('viewer') or not app.is_anonymous())
$$;
comment on function app.my_company_ids(text) is 'The companies the JWT user is a member of with at least min_role (above viewer: none for an anonymous sign-in); policies wrap it in (select ...).';
revoke all on function app.my_company_ids(text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function app.my_company_ids(text) to authenticated, service_role;
