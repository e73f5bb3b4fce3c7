-- Lock what is still sendable of one group, inside the transaction that will send it and record the
-- answer (so no other dispatcher sends these events meanwhile, and a crash before our commit leaves
-- them queued). Events past Meta's event_time window are dead-lettered here instead of sent. An event
-- another transaction holds (another dispatcher sending it, a copy being judged) is skipped: its message
-- comes back in a second, not after the whole visibility timeout.
-- Returns nothing when nothing is left; else the payload and the encrypted token.
create or replace function delivery.claim(destination bigint, msg_list bigint [], event_list bigint [])
returns table (
    company_id uuid, pixel_id text, key_id text, ciphertext bytea, msg_ids bigint [], event_pks bigint [],
    payload text
)
language plpgsql
set search_path = ''
as $$
declare
  d delivery.destinations;
  old_msgs bigint [];
  old_evs bigint [];
begin
  select * into d from delivery.destinations x where x.id = destination;
  if not found or d.status <> 'active' then
    return;
  end if;
  with mine as (
    select e.id, e.event_time, e.action_source
    from tracking.events e
    where e.id = any(event_list) and e.destination_id = destination and e.status in ('queued', 'retrying')
    for update skip locked
  ),
  paired as (
    select m.msg_id, m.event_pk, x.event_time < app.now() - delivery.event_window(x.action_source) as too_old
    from unnest(msg_list, event_list) as m (msg_id, event_pk)
    join mine x on x.id = m.event_pk
  )
  select pg_catalog.array_agg(p.msg_id order by p.event_pk) filter (where not p.too_old),
         pg_catalog.array_agg(p.event_pk order by p.event_pk) filter (where not p.too_old),
         pg_catalog.array_agg(p.msg_id) filter (where p.too_old),
         pg_catalog.array_agg(p.event_pk) filter (where p.too_old)
  into msg_ids, event_pks, old_msgs, old_evs
  from paired p;
  perform app.retime_messages('dispatch', array(
    select m.msg_id from unnest(msg_list, event_list) as m (msg_id, event_pk)
    where m.event_pk <> all(coalesce(event_pks, '{}') || coalesce(old_evs, '{}'))
  ), pg_catalog.clock_timestamp() + interval '1 second');
  if old_evs is not null then
    perform delivery.bury(old_evs, old_msgs, 'event_time_window_exceeded: the event is older than Meta accepts '
      '(7 days; 62 for physical_store), so it was not sent');
  end if;
  if event_pks is null then
    return;
  end if;
  company_id := d.company_id;
  pixel_id := d.pixel_id;
  select s.key_id, s.ciphertext into key_id, ciphertext
  from app.secrets s where s.company_id = d.company_id and s.kind = 'meta_capi_token';
  payload := delivery.build_payload(destination, event_pks)::text;
  return next;
end
$$;
revoke all on function delivery.claim(bigint,bigint[],bigint[]) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.claim(bigint,bigint[],bigint[]) to service_role;
