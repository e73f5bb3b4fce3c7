-- Sort what a dispatcher read from the 'dispatch' queue. Messages whose event is gone, already sent,
-- dead or skipped (a redelivery, a duplicate) are deleted; a paused destination's are deleted too (its
-- events stay queued; resume_destination re-queues them); a destination whose breaker holds gets its
-- messages re-timed. Returns the groups to send, at most one probe among them: a platform's test events
-- (their own test_event_code) go apart from the rest, since Meta takes one test_event_code per request.
create or replace function delivery.plan(msg_list bigint [], event_list bigint [])
returns table (destination_id bigint, msg_ids bigint [], event_pks bigint [], probe boolean)
language plpgsql
set search_path = ''
as $$
declare
  g record;
  ms record;
  dstatus text;
  has_token boolean;
begin
  for g in
    with r as (
      select m.msg_id, m.event_pk, e.destination_id as dest, e.extra ->> 'test_event_code' as test_code,
             coalesce(e.status in ('queued', 'retrying') and e.destination_id is not null, false)
             and pg_catalog.row_number() over (partition by m.event_pk order by m.msg_id) = 1 as keep
      from unnest(msg_list, event_list) as m (msg_id, event_pk)
      left join tracking.events e on e.id = m.event_pk
    )
    select case when r.keep then r.dest end as dest,
           pg_catalog.array_agg(r.msg_id order by r.event_pk) as msgs,
           pg_catalog.array_agg(r.event_pk order by r.event_pk) as evs
    from r
    group by 1, case when r.keep then r.test_code end
    order by 1 nulls first
  loop
    if g.dest is null then
      perform pgmq.delete('dispatch', g.msgs);  -- gone, sent, dead, skipped, or a duplicate message
      continue;
    end if;
    select d.status, exists (
             select 1 from app.secrets s where s.company_id = d.company_id and s.kind = 'meta_capi_token')
    into dstatus, has_token
    from delivery.destinations d where d.id = g.dest;
    if dstatus = 'active' and not has_token then
      perform delivery.pause_destination(g.dest, 'token_missing',
        'No Conversions API token is saved for this pixel. Save one: held events go out then.');
      dstatus := 'paused';
    end if;
    if dstatus <> 'active' then  -- paused: its events stay queued until resume_destination re-queues them
      perform pgmq.delete('dispatch', g.msgs);
      continue;
    end if;
    select * into ms from delivery.may_send(g.dest);
    if ms.decision = 'hold' then
      -- re-time on the queue's own clock (app.now() may be frozen in tests), with a little spread
      perform app.retime_messages('dispatch', g.msgs, pg_catalog.clock_timestamp()
        + greatest(ms.hold_until - app.now(), interval '1 second') * (1 + 0.2 * random()));
      continue;
    end if;
    destination_id := g.dest;
    msg_ids := g.msgs;
    event_pks := g.evs;
    probe := ms.decision = 'probe';
    return next;
  end loop;
end
$$;
revoke all on function delivery.plan(bigint[],bigint[]) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.plan(bigint[],bigint[]) to service_role;
