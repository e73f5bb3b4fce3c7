-- Expire dedup keys older than the window (keeps at least 7 days; 8 gives a day of slack).
create or replace function tracking.expire_event_keys() returns int
language sql
set search_path = ''
as $$
  with gone as (
    delete from tracking.event_keys where created_at < app.now() - interval '8 days' returning 1
  )
  select count(*)::int from gone
$$;
revoke all on function tracking.expire_event_keys() from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.expire_event_keys() to service_role;
