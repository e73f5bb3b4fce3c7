-- The one way events are recorded, whatever their source, a batch at a time (one statement per table):
-- build user_data, match each to a visitor (visitor id, else hashed e-mail, else hashed phone) and take
-- the union of what the visitor adds, dedup on (company, event_id), judge against Meta's rules
-- (tracking.event_violations), store, and queue (one pgmq.send_batch); or skip an event whose age Meta
-- would refuse, or keep it 'invalid' with the rule it broke. action_source null means a gateway
-- checkout: website when its page and browser are known (tracking.sale_action_source). A copy of an
-- invalid event is judged again with what it brings (the gateway's corrected postback, a replay after a
-- fix), and goes out if it now passes. Answers one row per input, by its ord.
create or replace function tracking.record_events(events tracking.event_input [])
returns table (ord bigint, event_pk bigint, event_id text, duplicate boolean, status text)
language plpgsql
set search_path = ''
-- planned once per session: planning these statements costs more than running them for a few rows
set plan_cache_mode = 'force_generic_plan'
as $$
#variable_conflict use_column
declare
  now_ts timestamptz := app.now();
  ords bigint [];
  ids text [];
  pks bigint [];
  fresh boolean [];
begin
  if exists (select 1 from pg_catalog.unnest(events) as e where e.browser_event_id is null and e.provider_ref is null) then
    raise exception 'an event needs the provider''s id or the browser''s event_id' using errcode = '22023';
  end if;

  -- dedup first, ids drawn up front: concurrent copies wait on the key, then see the winner's row (keys
  -- taken in one global order, so that two workers meeting the same sales cannot deadlock)
  with input as materialized (
    select
      e.ord, e.company_id,
      coalesce(e.browser_event_id, tracking.derive_event_id(e.company_id, e.source, e.provider_ref, e.event_name))
        as event_id,
      pg_catalog.nextval('tracking.events_id_seq'::regclass) as pk
    from pg_catalog.unnest(events) as e
  ),
  claimed as (
    insert into tracking.event_keys (company_id, event_id, event_pk)
    select i.company_id, i.event_id, i.pk from input as i order by i.company_id, i.event_id
    on conflict do nothing
    returning event_pk
  )
  select pg_catalog.array_agg(i.ord order by i.ord), pg_catalog.array_agg(i.event_id order by i.ord),
         pg_catalog.array_agg(coalesce(c.event_pk, i.pk) order by i.ord),
         pg_catalog.array_agg(c.event_pk is not null order by i.ord)
  into ords, ids, pks, fresh
  from input as i left join claimed as c on c.event_pk = i.pk;

  -- a copy points at the first's row (a new statement: it sees a first committed meanwhile)
  select pg_catalog.array_agg(coalesce(f.event_pk, k.pk) order by k.o)
  into pks
  from rows from (pg_catalog.unnest(ords), pg_catalog.unnest(ids), pg_catalog.unnest(pks), pg_catalog.unnest(fresh)) as k (o, event_id, pk, is_new)
  join pg_catalog.unnest(events) as e on e.ord = k.o
  left join tracking.event_keys as f on not k.is_new and f.company_id = e.company_id and f.event_id = k.event_id;

  -- each step materialized: its expressions (user_data above all) are computed once per event
  return query
  with keyed as materialized (
    select e.*, k.event_id as key_id, k.pk, k.is_new
    from rows from (pg_catalog.unnest(ords), pg_catalog.unnest(ids), pg_catalog.unnest(pks), pg_catalog.unnest(fresh)) as k (o, event_id, pk, is_new)
    join pg_catalog.unnest(events) as e on e.ord = k.o
  ),

  -- what became of the first of each copy: read, not locked, so that a copy never holds up the
  -- dispatcher's claim of an event already queued (it skips locked events)
  copied as materialized (
    select ev.id, ev.status from tracking.events as ev
    where ev.id in (select k.pk from keyed as k where not k.is_new)
  ),

  -- the events to judge: new ones, and copies of an invalid one (locked: one judge at a time)
  earlier as (
    select ev.id, ev.status from tracking.events as ev
    where ev.id in (select c.id from copied as c where c.status = 'invalid')
    for update
  ),

  to_judge as materialized (
    select
      k.*,
      least(coalesce(k.event_time, now_ts), now_ts) as ev_time,
      tracking.build_user_data(k.raw_user, least(coalesce(k.event_time, now_ts), now_ts)) as own_ud
    from keyed as k
    left join earlier as r on r.id = k.pk
    where k.is_new or (r.status = 'invalid' and k.ord = (select min(k2.ord) from keyed as k2 where k2.pk = k.pk))
  ),

  matched as materialized (
    select t.*, v.visitor_id as v_visitor, v.mkey, v.last_seen_at as v_seen, v.landing_url as v_landing,
      case when v.mkey is null then t.own_ud else pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        -- the event's own values win; the visitor fills the gaps
        'em', v.em, 'ph', v.ph, 'external_id', v.external_id, 'fbc', v.fbc, 'fbp', v.fbp,
        'client_ip_address', v.client_ip_address, 'client_user_agent', v.client_user_agent)) || t.own_ud
      end as ud
    from to_judge as t
    left join lateral (
      (select vv.*, 'visitor_id' as mkey from tracking.visitors as vv
       where t.visitor is not null and vv.company_id = t.company_id and vv.visitor_id = t.visitor)
      union all
      (select vv.*, 'em' from tracking.visitors as vv
       where t.own_ud ? 'em' and vv.company_id = t.company_id and vv.em = t.own_ud ->> 'em'
       order by vv.last_seen_at desc limit 1)
      union all
      (select vv.*, 'ph' from tracking.visitors as vv
       where t.own_ud ? 'ph' and vv.company_id = t.company_id and vv.ph = t.own_ud ->> 'ph'
       order by vv.last_seen_at desc limit 1)
      limit 1
    ) as v on true
  ),

  -- per company, once per batch: where its events go, and the offer its setup named
  companies as materialized (
    select
      c.company_id,
      (select d.id from delivery.destinations as d where d.company_id = c.company_id
       order by d.status = 'active' desc, d.id limit 1) as dest,
      (select s.landing_url from setup.sessions as s where s.company_id = c.company_id
       order by s.created_at desc limit 1) as offer_url
    from (select distinct t.company_id from to_judge as t) as c
  ),

  -- a checkout's page is the visitor's landing page, else the offer the company set up
  placed as materialized (
    select m.*, c.dest as company_dest,
      case when m.action_source is not null then coalesce(m.event_source_url, m.v_landing)
           else coalesce(m.event_source_url, m.v_landing, c.offer_url) end as src_url
    from matched as m
    join companies as c on c.company_id = m.company_id
  ),

  sourced as materialized (
    -- the two answers a checkout can have, each looked up once per batch (uncorrelated subqueries)
    select p.*, coalesce(p.action_source, case when p.src_url is not null and p.ud ? 'client_user_agent'
      then (select tracking.sale_action_source('checkout', true))
      else (select tracking.sale_action_source('checkout', false)) end) as act
    from placed as p
  ),

  aged as materialized (
    select s.*, s.ev_time < now_ts - interval '7 days' and s.act <> 'physical_store' as too_old from sourced as s
  ),

  -- Meta's rules, judged for the whole batch at once (events too old to send are not judged)
  ruled as materialized (
    select v.ord, v.rule from tracking.event_violations(
      array(select a.ord from aged as a where not a.too_old order by a.ord),
      array(select pg_catalog.jsonb_build_object(
              'event_name', a.event_name, 'action_source', a.act, 'event_source_url', a.src_url, 'user_data', a.ud,
              'custom_data', coalesce(a.custom_data, '{}'::jsonb), 'messaging_channel', a.extra -> 'messaging_channel')
            from aged as a where not a.too_old order by a.ord)) as v
  ),

  judged as materialized (
    select a.*, r.rule, case when not a.too_old then a.company_dest end as dest,
      case when a.too_old then 'skipped' when r.rule is not null then 'invalid'
           -- without a destination the event waits in 'received' (tracking.queue_waiting_events)
           when a.company_dest is null then 'received' else 'queued' end as new_status
    from aged as a
    left join ruled as r on r.ord = a.ord
  ),

  inserted as (
    insert into tracking.events (
      id, company_id, inbound_id, destination_id, source, provider_ref, event_id, event_name, event_time,
      action_source, event_source_url, user_data, custom_data, extra, visitor_id, match_key, match_lag,
      match_quality, request_id, received_at, status, queued_at, skipped_at, skip_reason, invalid_at, last_error
    ) overriding system value
    select
      j.pk, j.company_id, j.inbound_id, j.dest, j.source, j.provider_ref, j.key_id, j.event_name, j.ev_time,
      j.act, j.src_url, j.ud, coalesce(j.custom_data, '{}'::jsonb), coalesce(j.extra, '{}'::jsonb),
      coalesce(j.v_visitor, j.visitor), j.mkey, case when j.mkey is not null then j.ev_time - j.v_seen end,
      tracking.estimate_match_quality(j.ud), j.request_id, now_ts, j.new_status,
      case when j.new_status = 'queued' then now_ts end,
      case when j.new_status = 'skipped' then now_ts end,
      case when j.new_status = 'skipped' then 'event_time_older_than_7_days' end,
      case when j.new_status = 'invalid' then now_ts end,
      case when j.new_status = 'invalid' then tracking.rule_message(j.rule) end
    from judged as j
    where j.is_new
    order by j.ord
    returning id
  ),

  rejudged as (
    update tracking.events as ev set
      destination_id = j.dest, event_time = j.ev_time, action_source = j.act, event_source_url = j.src_url,
      user_data = j.ud, custom_data = coalesce(j.custom_data, '{}'::jsonb), extra = coalesce(j.extra, '{}'::jsonb),
      visitor_id = coalesce(j.v_visitor, j.visitor), match_key = j.mkey,
      match_lag = case when j.mkey is not null then j.ev_time - j.v_seen end,
      match_quality = tracking.estimate_match_quality(j.ud), request_id = j.request_id, status = j.new_status,
      queued_at = case when j.new_status = 'queued' then now_ts end,
      skipped_at = case when j.new_status = 'skipped' then now_ts end,
      skip_reason = case when j.new_status = 'skipped' then 'event_time_older_than_7_days' end,
      invalid_at = case when j.new_status = 'invalid' then now_ts end,
      last_error = case when j.new_status = 'invalid' then tracking.rule_message(j.rule) end
    from judged as j
    where ev.id = j.pk and not j.is_new
    returning ev.id
  ),

  -- every copy is counted, whatever became of the first (monitoring.duplicate_rate)
  noted as (
    insert into monitoring.duplicates (company_id, event_pk, source, event_name)
    select k.company_id, k.pk, k.source, k.event_name from keyed as k where not k.is_new
  ),

  -- in the same transaction as the state: queued <=> on the dispatch queue (pgmq refuses an empty batch)
  queued as (
    select case when exists (select 1 from judged as j where j.new_status = 'queued') then (
      select pg_catalog.count(*) from pgmq.send_batch('dispatch', (
        select pg_catalog.array_agg(pg_catalog.jsonb_build_object('event', j.pk, 'destination', j.dest) order by j.ord)
        from judged as j where j.new_status = 'queued'))
    ) end as n
  )

  select
    k.ord, k.pk, k.key_id, j.pk is null,
    coalesce(j.new_status, w.new_status, r.status, c.status)
  from keyed as k
  left join judged as j on j.ord = k.ord
  left join judged as w on w.pk = k.pk and w.ord <> k.ord
  left join earlier as r on r.id = k.pk
  left join copied as c on c.id = k.pk
  cross join queued
  order by k.ord;
end
$$;
comment on function tracking.record_events(tracking.event_input []) is
'Record a batch of events (dedup, match, judge, store, queue) with one statement per table; one answer per ord.';
revoke all on function tracking.record_events(tracking.event_input []) from public, anon, authenticated, service_role, looker_reader;
