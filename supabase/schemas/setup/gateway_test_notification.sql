-- test_event for a gateway whose test only the platform can send (its Test button, or a test purchase):
-- the notification this session's webhook received that best shows the way to Meta (the latest one that
-- made an event, else the latest one), what became of it, and the diagnosis to wait with meanwhile
-- (test_event.awaiting_<gateway> where a rule says what to press on that platform, else the generic one).
-- No row for the notification when none has arrived since the session was created.
create or replace function setup.gateway_test_notification(session uuid)
returns table (
    awaiting_code text, label text, inbound_id bigint, received_at timestamptz, inbound_status text,
    flags text [], error text, event_id text, event_name text, event_status text, fbtrace_id text,
    match_quality numeric
)
language sql stable
set search_path = ''
as $$
  select coalesce((select r.code from setup.diagnosis_rules r where r.code = 'test_event.awaiting_' || s.gateway),
                  'test_event.awaiting_notification'),
         g.label, n.id, n.received_at, n.status, n.flags, n.error, n.event_id, n.event_name, n.event_status,
         (select a.fbtrace_id from delivery.attempts a
          where n.event_pk is not null and a.event_pks @> array[n.event_pk] and a.outcome = 'sent'
          order by a.attempted_at desc limit 1),
         n.match_quality
  from setup.sessions s
  join tracking.gateways g on g.gateway = s.gateway
  left join lateral (
    select i.id, i.received_at, i.status, i.flags, i.error, e.id as event_pk, e.event_id, e.event_name,
           e.status as event_status, e.match_quality
    -- the latest hundred are enough to find the platform's test among them
    from (select y.id, y.received_at, y.status, y.flags, y.error from tracking.inbound y
          where y.company_id = s.company_id and y.source = s.gateway and y.received_at >= s.created_at
          order by y.received_at desc limit 100) i
    left join lateral (
      select x.id, x.event_id, x.event_name, x.status, x.match_quality from tracking.events x
      where x.inbound_id = i.id and x.company_id = s.company_id and x.source = s.gateway
      order by x.id limit 1
    ) e on true
    order by e.id is not null desc, i.received_at desc, i.id desc
    limit 1
  ) n on true
  where s.id = session
$$;
revoke all on function setup.gateway_test_notification(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.gateway_test_notification(uuid) to service_role;
