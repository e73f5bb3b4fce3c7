create or replace function app.cron_beat() returns void
language sql
set search_path = ''
as $$
  insert into app.cron_heartbeat (id, beat_at) values (true, pg_catalog.now())
  on conflict (id) do update set beat_at = excluded.beat_at
$$;
revoke all on function app.cron_beat() from public, anon, authenticated, service_role, looker_reader;
