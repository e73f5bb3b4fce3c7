-- Events that waited for a destination go out once the company has one.
create or replace function tracking.queue_waiting_events(company uuid) returns int
language plpgsql
set search_path = ''
as $$
declare
  n int := 0;
  e record;
begin
  for e in select id from tracking.events where company_id = company and status = 'received' loop
    if tracking.queue_event(e.id) = 'queued' then n := n + 1; end if;
  end loop;
  return n;
end
$$;
revoke all on function tracking.queue_waiting_events(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.queue_waiting_events(uuid) to service_role;
