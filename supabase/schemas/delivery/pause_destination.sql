-- Pause a destination (its credential or pixel is wrong): its events stay queued, an alert explains.
-- Returns false when it was already paused.
create or replace function delivery.pause_destination(destination bigint, reason text, diagnosis text,
                                           details jsonb default '{}'::jsonb)
returns boolean
language plpgsql
set search_path = ''
as $$
declare
  d delivery.destinations;
begin
  update delivery.destinations
  set status = 'paused', paused_reason = pause_destination.reason, paused_at = app.now()
  where id = destination and status = 'active'
  returning * into d;
  if not found then
    return false;
  end if;
  insert into delivery.alerts (company_id, destination_id, kind, severity, title, diagnosis, details)
  values (d.company_id, d.id, 'destination_paused', 'critical',
          pg_catalog.format('Delivery to pixel %s is paused: %s', d.pixel_id, pause_destination.reason),
          pause_destination.diagnosis, coalesce(details, '{}'::jsonb));
  -- events waiting for a retry are simply held: queued again, sent once the destination resumes
  update tracking.events e
  set status = 'queued', queued_at = app.now(), next_attempt_at = null
  where e.id in (
    select x.id from tracking.events x
    where x.destination_id = destination and x.status = 'retrying'
    for update skip locked
  );
  return true;
end
$$;
revoke all on function delivery.pause_destination(bigint,text,text,jsonb) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.pause_destination(bigint,text,text,jsonb) to service_role;
