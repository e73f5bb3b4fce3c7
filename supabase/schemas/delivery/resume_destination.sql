-- Resume a paused destination and re-queue everything it held. Called when its token is saved again.
create or replace function delivery.resume_destination(destination bigint) returns int
language plpgsql
set search_path = ''
as $$
declare
  d delivery.destinations;
  held bigint [];
begin
  update delivery.destinations
  set status = 'active', paused_reason = null, paused_at = null
  where id = destination and status = 'paused'
  returning * into d;
  if not found then
    return 0;
  end if;
  with requeued as (
    update tracking.events e
    set status = 'queued', queued_at = app.now(), next_attempt_at = null
    where e.destination_id = destination and e.status in ('queued', 'retrying')
    returning e.id
  )
  select coalesce(pg_catalog.array_agg(id order by id), '{}') into held from requeued;
  if cardinality(held) > 0 then
    perform pgmq.send_batch('dispatch', array(
      select pg_catalog.jsonb_build_object('event', x, 'destination', destination) from unnest(held) x));
  end if;
  update delivery.alerts a set resolved_at = app.now()
  where a.destination_id = destination and a.kind = 'destination_paused' and a.resolved_at is null;
  insert into delivery.alerts (company_id, destination_id, kind, severity, title, diagnosis, details)
  values (d.company_id, d.id, 'destination_resumed', 'info',
          pg_catalog.format('Delivery to pixel %s resumed', d.pixel_id),
          pg_catalog.format('The credential was saved again; %s held event(s) were queued.', cardinality(held)),
          pg_catalog.jsonb_build_object('requeued', cardinality(held)));
  return cardinality(held);
end
$$;
revoke all on function delivery.resume_destination(bigint) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.resume_destination(bigint) to service_role;
