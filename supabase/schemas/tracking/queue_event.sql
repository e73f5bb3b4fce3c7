-- Put an event on the dispatch queue, in the caller's transaction. Without a destination it waits
-- in 'received' until the company has one (tracking.queue_waiting_events).
create or replace function tracking.queue_event(event_pk bigint) returns text
language plpgsql
set search_path = ''
as $$
declare
  ev record;
  dest bigint;
begin
  select e.id, e.company_id, e.status into ev from tracking.events e where e.id = event_pk for update;
  select d.id into dest from delivery.destinations d where d.company_id = ev.company_id
  order by d.status = 'active' desc, d.id limit 1;
  if dest is null then
    return ev.status;
  end if;
  update tracking.events
  set status = 'queued', queued_at = app.now(), destination_id = dest, next_attempt_at = null
  where id = event_pk;
  perform pgmq.send('dispatch', pg_catalog.jsonb_build_object('event', event_pk, 'destination', dest));
  return 'queued';
end
$$;
revoke all on function tracking.queue_event(bigint) from public, anon, authenticated, service_role, looker_reader;
