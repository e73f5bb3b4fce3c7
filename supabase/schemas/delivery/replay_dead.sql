-- Re-queue the open dead letters matching every given filter (null = no filter): the company, Meta
-- event_ids, when they died (dead_since <= dead_at < dead_until) and Meta's error code. The attempt
-- budget starts over. One replays row per company touched. company null: every company (CLI only).
create or replace function delivery.replay_dead(
    company uuid,
    event_ids text [] default null,
    dead_since timestamptz default null,
    dead_until timestamptz default null,
    error_code int default null,
    requested_by uuid default null,
    actor text default 'cli',
    via text default 'cli'
)
returns table (company_id uuid, replay_id bigint, replayed int)
language plpgsql
set search_path = ''
as $$
declare
  c uuid;
  rid bigint;
  picked bigint [];
  criteria jsonb := pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
    'company_id', company, 'event_ids', pg_catalog.to_jsonb(event_ids), 'dead_since', dead_since,
    'dead_until', dead_until, 'error_code', error_code));
begin
  for c in
    select distinct l.company_id from delivery.dead_letters l
    where l.replayed_at is null and (company is null or l.company_id = company)
  loop
    -- the letters and their dead events, locked; an event is re-queued once even with several letters
    with letters as (
      select l.id, l.event_pk
      from delivery.dead_letters l
      join tracking.events e on e.id = l.event_pk
      where l.company_id = c and l.replayed_at is null and e.status = 'dead'
        and (event_ids is null or e.event_id = any(event_ids))
        and (dead_since is null or l.dead_at >= dead_since)
        and (dead_until is null or l.dead_at < dead_until)
        and (replay_dead.error_code is null or l.error_code = replay_dead.error_code)
      for update of l, e
    )
    select pg_catalog.array_agg(distinct x.event_pk) into picked from letters x;
    if picked is null then
      continue;
    end if;
    insert into delivery.replays (company_id, requested_by, actor, via, filter, event_count)
    values (c, requested_by, actor, via, criteria, cardinality(picked))
    returning id into rid;
    update delivery.dead_letters l set replayed_at = app.now(), replay_id = rid
    where l.event_pk = any(picked) and l.replayed_at is null;
    with requeued as (
      update tracking.events e
      set status = 'queued', queued_at = app.now(), attempts = 0, next_attempt_at = null,
          destination_id = coalesce(e.destination_id, (
            select d.id from delivery.destinations d where d.company_id = c
            order by d.status = 'active' desc, d.id limit 1))
      where e.id = any(picked)
      returning e.id, e.destination_id
    )
    select pg_catalog.array_agg(x.id) into picked from requeued x;
    perform pgmq.send_batch('dispatch', array(
      select pg_catalog.jsonb_build_object('event', e.id, 'destination', e.destination_id)
      from tracking.events e where e.id = any(picked) and e.destination_id is not null));
    company_id := c;
    replay_id := rid;
    replayed := cardinality(picked);
    return next;
  end loop;
end
$$;
revoke all on function delivery.replay_dead(uuid,text[],timestamp with time zone,timestamp with time zone,integer,uuid,text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function delivery.replay_dead(uuid,text[],timestamp with time zone,timestamp with time zone,integer,uuid,text,text) to service_role;
