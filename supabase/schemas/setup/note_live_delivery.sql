-- A live event delivered after the test event makes the session active.
create or replace function setup.note_live_delivery() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update setup.sessions s set status = 'active', active_at = app.now()
  where s.company_id = new.company_id and s.status = 'event_received' and new.received_at > s.event_received_at;
  return null;
end
$$;
revoke all on function setup.note_live_delivery() from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.note_live_delivery() to service_role;
