create or replace function revenue.refresh_all_attribution() returns int
language sql
set search_path = ''
as $$
  select coalesce(sum(revenue.refresh_attribution(c.id)), 0)::int from app.companies c
$$;
revoke all on function revenue.refresh_all_attribution() from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.refresh_all_attribution() to service_role;
