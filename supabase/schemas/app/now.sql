-- One clock for all project SQL: tests freeze it with set_config('trackai.now', ...).
create or replace function app.now() returns timestamptz
language sql stable
as $$
  select coalesce(nullif(pg_catalog.current_setting('trackai.now', true), '')::timestamptz,
                  pg_catalog.now())
$$;
comment on function app.now() is 'The current time, or the frozen time set in trackai.now (tests). Use it instead of now().';
revoke all on function app.now() from public, anon, authenticated, service_role, looker_reader;
grant execute on function app.now() to authenticated, service_role;
