-- The latest sale of the session's gateway and its fate at Meta.
create or replace function setup.latest_gateway_event(session uuid)
returns table (event_id text, status text, fbtrace_id text, match_quality numeric)
language sql stable
set search_path = ''
as $$
  select e.event_id, e.status,
         (select a.fbtrace_id from delivery.attempts a
          where a.event_pks @> array[e.id] and a.outcome = 'sent' order by a.attempted_at desc limit 1),
         e.match_quality
  from tracking.events e join setup.sessions s on s.company_id = e.company_id and e.source = s.gateway
  where s.id = session
  order by e.id desc
  limit 1
$$;
revoke all on function setup.latest_gateway_event(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.latest_gateway_event(uuid) to service_role;
