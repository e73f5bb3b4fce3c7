-- Every rule's current value per subject, as of `at`: (rule, code, company, subject, value, samples,
-- details, delivery alert). value null = nothing to judge.
create or replace function monitoring.observe(as_of timestamptz)
returns table (
    rule_id bigint, code text, company_id uuid, subject text, value numeric, samples bigint, details jsonb,
    delivery_alert_id bigint
)
language plpgsql stable
-- custom plans: the windows depend on as_of, and a generic plan cannot use the time indexes; no JIT:
-- the estimate (companies x rules) crosses jit_above_cost and compiling took 1.5 s of a 60 ms query
set search_path = ''
set plan_cache_mode = 'force_custom_plan'
set jit = off
as $$
#variable_conflict use_column
begin
  return query
  -- error rate: requests to Meta that did not come back 2xx, over the window
  select r.rule_id, 'error_rate', r.company_id, 'company',
         round(100.0 * x.failed / nullif(x.total, 0), 2), x.total,
         pg_catalog.jsonb_build_object('attempts', x.total, 'failed', x.failed, 'window', r.time_window::text),
         null::bigint
  from monitoring.company_rules('error_rate') r
  cross join lateral (
    select count(*) as total, count(*) filter (where a.outcome <> 'sent') as failed
    from delivery.attempts a
    where a.company_id = r.company_id and a.attempted_at > as_of - r.time_window and a.attempted_at <= as_of
  ) x
  union all
  -- Meta latency: p95 over every request of the window (Meta-wide, not per tenant)
  select r.id, 'meta_latency', null, 'meta',
         round(pg_catalog.percentile_cont(0.95) within group (order by a.latency_ms)::numeric, 0),
         count(a.latency_ms),
         pg_catalog.jsonb_build_object('attempts', count(a.latency_ms), 'window', r.time_window::text,
           'p50_ms', round(pg_catalog.percentile_cont(0.5) within group (order by a.latency_ms)::numeric, 0),
           'max_ms', max(a.latency_ms)),
         null::bigint
  from monitoring.alert_rules r
  left join delivery.attempts a
    on a.attempted_at > as_of - r.time_window and a.attempted_at <= as_of and a.latency_ms is not null
  where r.code = 'meta_latency' and r.company_id is null and r.enabled
  group by r.id, r.time_window
  union all
  -- duplicate rate: copies of known events / (new events + copies), over the window
  select r.rule_id, 'duplicate_rate', r.company_id, 'company',
         round(100.0 * d.n / nullif(d.n + e.n, 0), 2), d.n + e.n,
         pg_catalog.jsonb_build_object('duplicates', d.n, 'new_events', e.n, 'window', r.time_window::text),
         null::bigint
  from monitoring.company_rules('duplicate_rate') r
  cross join lateral (
    select count(*) as n from monitoring.duplicates x
    where x.company_id = r.company_id and x.seen_at > as_of - r.time_window and x.seen_at <= as_of
  ) d
  cross join lateral (
    select count(*) as n from tracking.events x
    where x.company_id = r.company_id and x.received_at > as_of - r.time_window and x.received_at <= as_of
  ) e
  union all
  -- dead letters not replayed yet
  select r.rule_id, 'dead_letters', r.company_id, 'company', x.n, x.n,
         pg_catalog.jsonb_build_object('open_letters', x.n, 'oldest_dead_at', x.oldest, 'top_reason', x.top_reason),
         null::bigint
  from monitoring.company_rules('dead_letters') r
  cross join lateral (
    select count(*) as n, min(l.dead_at) as oldest,
           pg_catalog.mode() within group (order by pg_catalog.split_part(l.reason, ':', 1)) as top_reason
    from delivery.dead_letters l
    where l.company_id = r.company_id and l.replayed_at is null
  ) x
  union all
  -- open breakers, as the dispatch path reported them in delivery.alerts
  select distinct on (da.company_id, da.destination_id)
         monitoring.rule_for('breaker_open', da.company_id), 'breaker_open', da.company_id,
         'breaker:' || coalesce(da.destination_id::text, 'meta'), 1, 1,
         pg_catalog.jsonb_build_object('title', da.title, 'diagnosis', da.diagnosis, 'pixel_id', d.pixel_id,
                                       'since', da.created_at) || da.details,
         da.id
  from delivery.alerts da
  left join delivery.destinations d on d.id = da.destination_id
  where da.kind = 'breaker_opened' and da.resolved_at is null
    and monitoring.rule_for('breaker_open', da.company_id) is not null
  union all
  -- paused destinations (delivery.alerts 'destination_paused'): token refused (190) or anything else
  select distinct on (d.id)
         monitoring.rule_for(case when d.paused_reason = 'token_invalid' then 'token_invalid'
                                  else 'destination_paused' end, d.company_id),
         case when d.paused_reason = 'token_invalid' then 'token_invalid' else 'destination_paused' end,
         d.company_id, 'destination:' || d.id, 1, 1,
         pg_catalog.jsonb_build_object('title', da.title, 'diagnosis', da.diagnosis, 'pixel_id', d.pixel_id,
                                       'paused_reason', d.paused_reason, 'since', d.paused_at) || da.details,
         da.id
  from delivery.alerts da
  join delivery.destinations d on d.id = da.destination_id and d.status = 'paused'
  where da.kind = 'destination_paused' and da.resolved_at is null
    and monitoring.rule_for(case when d.paused_reason = 'token_invalid' then 'token_invalid'
                                 else 'destination_paused' end, d.company_id) is not null
  union all
  -- setup stuck: minutes since the first destination was made while Meta has accepted nothing yet.
  -- (Setup sessions do not exist yet; when they do, read their step and its timestamps instead.)
  select r.rule_id, 'setup_stuck', r.company_id, 'company',
         case when s.sent then 0
              else round(extract(epoch from as_of - d.configured_at)::numeric / 60, 1) end,
         1,
         pg_catalog.jsonb_build_object('configured_at', d.configured_at, 'has_token', d.has_token,
                                       'has_events', exists (select 1 from tracking.events e
                                                             where e.company_id = r.company_id)),
         null::bigint
  from monitoring.company_rules('setup_stuck') r
  cross join lateral (
    select min(x.created_at) as configured_at,
           bool_or(exists (select 1 from app.secrets s2 where s2.company_id = x.company_id
                                                          and s2.kind = 'meta_capi_token')) as has_token
    from delivery.destinations x where x.company_id = r.company_id
  ) d
  cross join lateral (
    select exists (select 1 from delivery.attempts a where a.company_id = r.company_id and a.outcome = 'sent')
           as sent
  ) s
  where d.configured_at is not null and d.configured_at <= as_of
  union all
  -- accuracy: gateway sales approved in the window (older than settle) whose Purchase Meta accepted
  select r.rule_id, 'accuracy', r.company_id, 'company',
         round(100.0 * x.accepted / nullif(x.sales, 0), 2), x.sales,
         pg_catalog.jsonb_build_object('sales', x.sales, 'accepted', x.accepted, 'window', r.time_window::text,
                                       'settle', r.settle::text),
         null::bigint
  from monitoring.company_rules('accuracy') r
  cross join lateral (
    select count(*) as sales, count(*) filter (where e.status = 'sent') as accepted
    from tracking.sales s
    left join tracking.events e on e.id = s.purchase_event_pk
    where s.company_id = r.company_id and s.approved_at > as_of - r.time_window and s.approved_at <= as_of - r.settle
  ) x
  union all
  -- events Meta would refuse, held back by the gate (tracking.event_violations), over the window: the
  -- rule most of them broke and what to fix, in both languages
  select r.rule_id, 'invalid_events', r.company_id, 'company', x.n, x.n,
         pg_catalog.jsonb_build_object('invalid_events', x.n, 'window', r.time_window::text, 'top_rule', x.top_rule,
                                       'field', d.field, 'message_en', d.message_en, 'message_pt', d.message_pt,
                                       'next_action', d.next_action,
                                       'diagnosis', d.message_pt || ' ' || d.next_action || ' / ' || d.message_en
                                                    || ' (field: ' || d.field || ')'),
         null::bigint
  from monitoring.company_rules('invalid_events') r
  cross join lateral (
    select count(*) as n, pg_catalog.mode() within group (order by pg_catalog.split_part(e.last_error, ':', 1)) as top_rule
    from tracking.events e
    where e.company_id = r.company_id and e.status = 'invalid'
      and e.invalid_at > as_of - r.time_window and e.invalid_at <= as_of
  ) x
  left join tracking.meta_event_rules mr on mr.code = x.top_rule
  left join setup.diagnosis_rules d on d.code = mr.diagnosis_code
  union all
  -- stored requests that did not become events (processing failed, or a field refused with a 422)
  select r.rule_id, 'processing_failed', r.company_id, 'company', x.n, x.n,
         pg_catalog.jsonb_build_object('failed_requests', x.n, 'window', r.time_window::text,
                                       'last_error', x.last_error, 'replay', 'trackai replay --company <id>',
                                       'diagnosis', 'Last: ' || x.last_error || '. Fix it, then trackai replay.'),
         null::bigint
  from monitoring.company_rules('processing_failed') r
  cross join lateral (
    select count(*) as n, (pg_catalog.array_agg(i.error order by i.failed_at desc))[1] as last_error
    from tracking.inbound i
    where i.company_id = r.company_id and i.status = 'failed'
      and i.failed_at > as_of - r.time_window and i.failed_at <= as_of
  ) x;
end
$$;
revoke all on function monitoring.observe(timestamp with time zone) from public, anon, authenticated, service_role, looker_reader;
grant execute on function monitoring.observe(timestamp with time zone) to service_role;
