-- The year used as the upper bound of a birth date. Declared immutable on purpose, so that the
-- functions below stay immutable and inlinable: the planner evaluates it once per plan, so a plan
-- cached across New Year's Eve keeps last year's bound until it is re-planned (it only decides
-- whether a birth date in the new year, i.e. a newborn, is accepted).
create or replace function tracking.birth_year_ceiling() returns int
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.date_part('year', app.now())::int
$$;
revoke all on function tracking.birth_year_ceiling() from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.birth_year_ceiling() to authenticated, service_role;
