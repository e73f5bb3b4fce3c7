-- The test event's fate at Meta: its state and the fbtrace_id of the request that carried it.
create or replace function setup.test_event_delivery(session uuid, meta_event_id text)
returns table (status text, fbtrace_id text, match_quality numeric, last_error text)
language sql stable
set search_path = ''
as $$
  select e.status, (select a.fbtrace_id from delivery.attempts a
                    where a.event_pks @> array[e.id] and a.outcome = 'sent'
                    order by a.attempted_at desc limit 1),
         e.match_quality, e.last_error
  from tracking.events e join setup.sessions s on s.company_id = e.company_id
  where s.id = session and e.event_id = meta_event_id
$$;
revoke all on function setup.test_event_delivery(uuid,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.test_event_delivery(uuid,text) to service_role;
