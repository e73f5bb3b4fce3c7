-- Observability, part 3: alert rules as rows, evaluated every minute (pg_cron) into alerts that open
-- once, update while firing and resolve with hysteresis; an outbox of notifications that
-- `trackai work notify` (jobs/notify.py) delivers to Slack and e-mail; per-tenant counters and alerts
-- published for Supabase Realtime; the figures /metrics exposes.
--
-- Alert state machine (docs/ARCHITECTURE.md, docs/runbook.md):
--   firing --(value past clear_threshold, or no longer observed, in clear_evaluations evaluations
--             in a row)--> resolved.  A condition that comes back opens a new alert.
-- Breakers and paused destinations are not re-detected here: their rules read the open rows of
-- delivery.alerts (written by the dispatch path), so there is one source and one notification path.

create table monitoring.alert_rules (
    id bigint generated always as identity primary key,
    code text not null check (code in (
        'error_rate', 'meta_latency', 'duplicate_rate', 'dead_letters', 'breaker_open', 'token_invalid',
        'destination_paused', 'setup_stuck', 'accuracy'
    )),
    -- null: the default; a company's own row for the same code wins for that company
    company_id uuid references app.companies (id) on delete cascade,
    comparator text not null default '>' check (comparator in ('>', '<')),
    threshold numeric not null,
    -- hysteresis: an open alert clears only past this value ('>' rules: value <= it; '<' rules: >=)
    clear_threshold numeric not null,
    time_window interval,
    -- facts younger than this are not judged yet (accuracy: give delivery time to happen)
    settle interval not null default '0 seconds',
    min_samples int not null default 1 check (min_samples >= 0),
    -- evaluations in a row that must find the condition clear before the alert resolves
    clear_evaluations int not null default 2 check (clear_evaluations >= 1),
    severity text not null check (severity in ('info', 'warning', 'critical')),
    channels text [] not null default '{slack,email}' check (channels <@ array['slack', 'email']),
    enabled boolean not null default true,
    title text not null,
    unit text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique nulls not distinct (code, company_id),
    check ((comparator = '>' and clear_threshold <= threshold) or (comparator = '<' and clear_threshold >= threshold))
);
comment on table monitoring.alert_rules is
'Alert rules: threshold, window, severity, channels; company_id null = default, a company row overrides it.';
select app.guard_tenant_table('monitoring.alert_rules');
create trigger touch_updated_at before update on monitoring.alert_rules
for each row execute function app.touch_updated_at();

insert into monitoring.alert_rules
(code, comparator, threshold, clear_threshold, time_window, settle, min_samples, severity, channels, title, unit)
values
('error_rate', '>', 5, 4, '5 minutes', '0 seconds', 5, 'critical', '{slack,email}',
 'Meta error rate above 5% in 5 minutes', '%'),
('meta_latency', '>', 2000, 1600, '5 minutes', '0 seconds', 3, 'warning', '{slack}',
 'Meta p95 latency above 2,000 ms', 'ms'),
('duplicate_rate', '>', 10, 8, '1 hour', '0 seconds', 20, 'warning', '{slack}',
 'Duplicate rate above 10% in the last hour', '%'),
('dead_letters', '>', 0, 0, null, '0 seconds', 0, 'warning', '{slack,email}',
 'Dead letters waiting for a human', 'letters'),
('breaker_open', '>', 0, 0, null, '0 seconds', 0, 'critical', '{slack}',
 'Circuit breaker open: events are held', ''),
('token_invalid', '>', 0, 0, null, '0 seconds', 0, 'critical', '{slack,email}',
 'Meta refused the access token (190): delivery paused', ''),
('destination_paused', '>', 0, 0, null, '0 seconds', 0, 'critical', '{slack,email}',
 'Delivery paused: the pixel or its credential needs a human', ''),
('setup_stuck', '>', 30, 0, null, '0 seconds', 0, 'warning', '{slack}',
 'Setup stuck: configured over 30 minutes ago, nothing accepted by Meta yet', 'min'),
('accuracy', '<', 95, 97, '24 hours', '15 minutes', 10, 'critical', '{slack,email}',
 'Accuracy below 95%: sales not reaching Meta', '%');

create table monitoring.alerts (
    id bigint generated always as identity primary key,
    rule_id bigint references monitoring.alert_rules (id) on delete set null,
    code text not null,
    -- null: platform-wide (Meta latency, the Meta-wide breaker); not shown to tenants
    company_id uuid references app.companies (id) on delete cascade,
    -- what fired: 'company', 'meta', 'destination:<id>', 'breaker:<destination id | meta>'
    subject text not null,
    severity text not null check (severity in ('info', 'warning', 'critical')),
    status text not null default 'firing' check (status in ('firing', 'resolved')),
    title text not null,
    comparator text not null,
    threshold numeric not null,
    unit text not null default '',
    first_value numeric,
    last_value numeric,
    peak_value numeric,
    samples bigint,
    details jsonb not null default '{}'::jsonb,
    delivery_alert_id bigint references delivery.alerts (id) on delete set null,
    opened_at timestamptz not null,
    last_seen_at timestamptz not null,
    last_evaluated_at timestamptz not null,
    last_run bigint not null default 0,
    clear_streak int not null default 0,
    resolved_at timestamptz,
    check ((status = 'resolved') = (resolved_at is not null))
);
create unique index alerts_one_open_idx on monitoring.alerts (code, company_id, subject) nulls not distinct
where status = 'firing';
create index alerts_company_idx on monitoring.alerts (company_id, opened_at desc);
comment on table monitoring.alerts is
'Alerts: open once per (code, company, subject), updated while firing, resolved with hysteresis.';
select app.guard_tenant_table('monitoring.alerts');

create sequence monitoring.evaluation_runs;

-- The outbox: one row per (alert, opened | resolved, channel), made in the transaction that opens or
-- resolves the alert, delivered by the notifier. Real time (now()), not app.now(): delivery timing is
-- about the wall clock even when a test freezes the project's clock.
create table monitoring.notifications (
    id bigint generated always as identity primary key,
    alert_id bigint not null references monitoring.alerts (id) on delete cascade,
    company_id uuid references app.companies (id) on delete cascade,
    kind text not null check (kind in ('opened', 'resolved')),
    channel text not null check (channel in ('slack', 'email')),
    status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'skipped')),
    attempts int not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    created_at timestamptz not null default now(),
    sent_at timestamptz,
    finished_at timestamptz,
    unique (alert_id, kind, channel),
    check ((status = 'sent') = (sent_at is not null)),
    check ((status = 'pending') = (finished_at is null))
);
create index notifications_pending_idx on monitoring.notifications (next_attempt_at) where status = 'pending';
comment on table monitoring.notifications is 'Outbox of alert notifications (Slack, e-mail), one per alert, kind and channel.';
select app.guard_tenant_table('monitoring.notifications');

-- Per-tenant live counters for the dashboard (Realtime), refreshed by the evaluation every minute
-- (not by a trigger on the ingest path). Today is the BRT day.
create table monitoring.company_counters (
    company_id uuid primary key references app.companies (id) on delete cascade,
    day date not null,
    received bigint not null default 0,
    queued bigint not null default 0,
    sent bigint not null default 0,
    retrying bigint not null default 0,
    dead bigint not null default 0,
    skipped bigint not null default 0,
    duplicates bigint not null default 0,
    open_alerts int not null default 0,
    updated_at timestamptz not null
);
comment on table monitoring.company_counters is 'Today''s event counters per company, for the dashboard (Realtime).';
select app.guard_tenant_table('monitoring.company_counters');

do $$
begin
  if not exists (select 1 from pgmq.list_queues() where queue_name = 'notify') then
    perform pgmq.create('notify');
  end if;
  perform app.wake_workers_on_insert('notify');
end
$$;

-- Opening or resolving an alert puts its notifications in the outbox and on the 'notify' queue.
create function monitoring.enqueue_notifications() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  what text;
  chans text [];
  made bigint [];
begin
  if tg_op = 'INSERT' then
    what := 'opened';
  elsif new.status = 'resolved' and old.status = 'firing' then
    what := 'resolved';
  else
    return null;
  end if;
  select r.channels into chans from monitoring.alert_rules r where r.id = new.rule_id;
  with inserted as (
    insert into monitoring.notifications (alert_id, company_id, kind, channel)
    select new.id, new.company_id, what, ch
    from unnest(coalesce(chans, '{slack}'::text [])) ch
    on conflict (alert_id, kind, channel) do nothing
    returning id
  )
  select pg_catalog.array_agg(i.id) into made from inserted i;
  if made is not null then
    perform pgmq.send_batch('notify', array(
      select pg_catalog.jsonb_build_object('notification', x) from unnest(made) x));
  end if;
  return null;
end
$$;
create trigger enqueue_notifications after insert or update of status on monitoring.alerts
for each row execute function monitoring.enqueue_notifications();

-- The rule that applies to each company for a code: its own row, else the default (enabled only).
create function monitoring.company_rules(rule_code text)
returns table (company_id uuid, rule_id bigint, time_window interval, settle interval)
language sql stable
rows 100
set search_path = ''
as $$
  select c.id, r.id, r.time_window, r.settle
  from app.companies c
  cross join lateral (
    select x.id, x.time_window, x.settle, x.enabled
    from monitoring.alert_rules x
    where x.code = rule_code and (x.company_id = c.id or x.company_id is null)
    order by x.company_id nulls last
    limit 1
  ) r
  where r.enabled
$$;

-- The rule for a subject whose company may be null (platform-wide): its company's row, else the default.
create function monitoring.rule_for(rule_code text, company uuid) returns bigint
language sql stable
set search_path = ''
as $$
  select x.id from (
    select r.id, r.enabled from monitoring.alert_rules r
    where r.code = rule_code and (r.company_id = company or r.company_id is null)
    order by r.company_id nulls last
    limit 1
  ) x
  where x.enabled
$$;

-- Every rule's current value per subject, as of `at`: (rule, code, company, subject, value, samples,
-- details, delivery alert). value null = nothing to judge.
create function monitoring.observe(as_of timestamptz)
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
  ) x;
end
$$;

-- Refresh the dashboard counters (today, BRT); rows change only when a figure did, so Realtime
-- subscribers get a message per real change, not one per minute.
create function monitoring.refresh_company_counters() returns int
language plpgsql
set search_path = ''
as $$
declare
  today date := monitoring.day_of(app.now());
  since timestamptz := pg_catalog.timezone('America/Sao_Paulo', today::timestamp);
  n int;
begin
  with figures as (
    select co.id as company_id,
           coalesce(ev.received, 0) as received, coalesce(ev.queued, 0) as queued,
           coalesce(ev.sent, 0) as sent, coalesce(ev.retrying, 0) as retrying, coalesce(ev.dead, 0) as dead,
           coalesce(ev.skipped, 0) as skipped, coalesce(du.n, 0) as duplicates, coalesce(al.n, 0) as open_alerts
    from app.companies co
    left join (
      select c.company_id, sum(c.n) as received,
             sum(c.n) filter (where c.status = 'queued') as queued,
             sum(c.n) filter (where c.status = 'sent') as sent,
             sum(c.n) filter (where c.status = 'retrying') as retrying,
             sum(c.n) filter (where c.status = 'dead') as dead,
             sum(c.n) filter (where c.status = 'skipped') as skipped
      from monitoring.all_counts c
      where c.metric = 'event' and c.day = today
      group by c.company_id
    ) ev on ev.company_id = co.id
    left join (
      select d.company_id, count(*) as n from monitoring.duplicates d where d.seen_at >= since group by d.company_id
    ) du on du.company_id = co.id
    left join (
      select a.company_id, count(*)::int as n from monitoring.alerts a
      where a.status = 'firing' and a.company_id is not null group by a.company_id
    ) al on al.company_id = co.id
  ),
  changed as (
    insert into monitoring.company_counters as cc (company_id, day, received, queued, sent, retrying, dead, skipped,
                                                   duplicates, open_alerts, updated_at)
    select f.company_id, today, f.received, f.queued, f.sent, f.retrying, f.dead, f.skipped, f.duplicates,
           f.open_alerts, app.now()
    from figures f
    on conflict (company_id) do update set
      day = excluded.day, received = excluded.received, queued = excluded.queued, sent = excluded.sent,
      retrying = excluded.retrying, dead = excluded.dead, skipped = excluded.skipped,
      duplicates = excluded.duplicates, open_alerts = excluded.open_alerts, updated_at = excluded.updated_at
    where (cc.day, cc.received, cc.queued, cc.sent, cc.retrying, cc.dead, cc.skipped, cc.duplicates, cc.open_alerts)
          is distinct from (excluded.day, excluded.received, excluded.queued, excluded.sent, excluded.retrying,
                            excluded.dead, excluded.skipped, excluded.duplicates, excluded.open_alerts)
    returning 1
  )
  select count(*) into n from changed;
  return n;
end
$$;

-- The evaluation pg_cron runs every minute: fold the rollup, judge every rule, open / update / resolve
-- alerts (their notifications follow by trigger), refresh the dashboard counters. One at a time.
create function monitoring.evaluate_alerts() returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  as_of timestamptz := app.now();
  run bigint;
  o record;
  opened int := 0;
  updated int := 0;
  resolved int := 0;
  label text;
begin
  if not pg_catalog.pg_try_advisory_xact_lock(7316228012) then
    return pg_catalog.jsonb_build_object('skipped', 'another evaluation is running');
  end if;
  run := pg_catalog.nextval('monitoring.evaluation_runs'::regclass);
  perform monitoring.fold_counts();

  for o in
    select ob.*, r.comparator, r.threshold, r.severity, r.title, r.unit,
           coalesce(ob.value is not null and ob.samples >= r.min_samples
                    and case r.comparator when '>' then ob.value > r.threshold else ob.value < r.threshold end,
                    false) as firing,
           coalesce(ob.value is null or ob.samples < r.min_samples
                    or case r.comparator when '>' then ob.value <= r.clear_threshold
                                         else ob.value >= r.clear_threshold end,
                    true) as clear
    from monitoring.observe(as_of) ob
    join monitoring.alert_rules r on r.id = ob.rule_id
  loop
    if o.firing then
      update monitoring.alerts a set
        last_value = o.value,
        peak_value = case when o.comparator = '>' then greatest(a.peak_value, o.value)
                          else least(a.peak_value, o.value) end,
        samples = o.samples, details = o.details, severity = o.severity,
        delivery_alert_id = coalesce(o.delivery_alert_id, a.delivery_alert_id),
        last_seen_at = as_of, last_evaluated_at = as_of, last_run = run, clear_streak = 0
      where a.code = o.code and a.company_id is not distinct from o.company_id and a.subject = o.subject
        and a.status = 'firing';
      if found then
        updated := updated + 1;
      else
        label := case
          when o.company_id is null then 'Meta (all tenants)'
          else (select c.slug from app.companies c where c.id = o.company_id)
        end || case
          when o.subject like 'destination:%' or (o.subject like 'breaker:%' and o.subject <> 'breaker:meta')
            then ' / pixel ' || coalesce(o.details ->> 'pixel_id', pg_catalog.split_part(o.subject, ':', 2))
          else ''
        end;
        insert into monitoring.alerts (rule_id, code, company_id, subject, severity, title, comparator, threshold,
                                       unit, first_value, last_value, peak_value, samples, details,
                                       delivery_alert_id, opened_at, last_seen_at, last_evaluated_at, last_run)
        values (o.rule_id, o.code, o.company_id, o.subject, o.severity, o.title || ' - ' || label, o.comparator,
                o.threshold, o.unit, o.value, o.value, o.value, o.samples, o.details, o.delivery_alert_id, as_of, as_of,
                as_of, run);
        opened := opened + 1;
      end if;
    elsif not o.clear then
      -- between clear_threshold and threshold (the hysteresis band): still firing, the clear streak restarts
      update monitoring.alerts a set
        last_value = o.value, samples = o.samples, last_evaluated_at = as_of, last_run = run, clear_streak = 0
      where a.code = o.code and a.company_id is not distinct from o.company_id and a.subject = o.subject
        and a.status = 'firing';
    else
      update monitoring.alerts a set last_value = o.value, samples = o.samples
      where a.code = o.code and a.company_id is not distinct from o.company_id and a.subject = o.subject
        and a.status = 'firing';
    end if;
  end loop;

  -- open alerts this run did not find firing (clear, or no longer observed at all): one more clear
  -- evaluation; resolved once their rule's clear_evaluations are reached
  update monitoring.alerts a set clear_streak = a.clear_streak + 1, last_evaluated_at = as_of, last_run = run
  where a.status = 'firing' and a.last_run <> run;
  with done as (
    update monitoring.alerts a set status = 'resolved', resolved_at = as_of
    where a.status = 'firing' and a.last_run = run
      and a.clear_streak >= coalesce((select r.clear_evaluations from monitoring.alert_rules r
                                      where r.id = a.rule_id and r.enabled), 1)
    returning 1
  )
  select count(*) into resolved from done;

  delete from monitoring.duplicates d where d.seen_at < as_of - interval '400 days';
  perform monitoring.refresh_company_counters();
  return pg_catalog.jsonb_build_object('run', run, 'opened', opened, 'updated', updated, 'resolved', resolved);
end
$$;

select app.schedule('trackai-evaluate-alerts', '* * * * *', 'select monitoring.evaluate_alerts()');

-- The notifier, in the transaction that sends: lock one pending notification (skip it when another
-- notifier holds it) and return what the message needs. Nothing when it is gone, done or held.
create function monitoring.claim_notification(notification bigint)
returns table (
    id bigint, channel text, kind text, attempts int, alert jsonb
)
language sql
set search_path = ''
as $$
  with mine as (
    select n.id, n.channel, n.kind, n.attempts, n.alert_id
    from monitoring.notifications n
    where n.id = notification and n.status = 'pending' and n.next_attempt_at <= pg_catalog.now()
    for update skip locked
  )
  select m.id, m.channel, m.kind, m.attempts,
         pg_catalog.to_jsonb(a) || pg_catalog.jsonb_build_object(
           'company_name', c.name, 'company_slug', c.slug,
           'runbook', 'docs/runbook.md#' || pg_catalog.replace(a.code, '_', '-'))
  from mine m
  join monitoring.alerts a on a.id = m.alert_id
  left join app.companies c on c.id = a.company_id
$$;

-- What became of a claimed notification: 'sent', 'skipped' (channel not configured), 'failed' (will
-- never go: the channel refused it for good) or 'retry' (after retry_after_s, else backoff 2 s, 4 s,
-- 8 s, ... capped at 1 h; failed after 10 tries). Returns the delay before the next try, or null.
create function monitoring.finish_notification(
    notification bigint, outcome text, error text default null, retry_after_s numeric default null
) returns numeric
language plpgsql
set search_path = ''
as $$
declare
  n monitoring.notifications;
  delay numeric;
begin
  if outcome not in ('sent', 'skipped', 'failed', 'retry') then
    raise exception 'unknown outcome %', outcome using errcode = '22023';
  end if;
  select * into n from monitoring.notifications x where x.id = notification and x.status = 'pending' for update;
  if not found then
    return null;
  end if;
  if outcome = 'retry' and n.attempts + 1 >= 10 then
    outcome := 'failed';
  end if;
  if outcome = 'retry' then
    delay := least(3600, coalesce(retry_after_s, 2 * power(2, n.attempts)));
    update monitoring.notifications x set attempts = x.attempts + 1, last_error = left(error, 500),
      next_attempt_at = pg_catalog.now() + pg_catalog.make_interval(secs => delay::float8)
    where x.id = notification;
    return delay;
  end if;
  update monitoring.notifications x set
    status = outcome, attempts = x.attempts + case when outcome = 'skipped' then 0 else 1 end,
    last_error = left(error, 500),
    sent_at = case when outcome = 'sent' then pg_catalog.now() end, finished_at = pg_catalog.now()
  where x.id = notification;
  return null;
end
$$;

-- Register a database login as a monitoring reader: company null = every company (like looker_reader),
-- else that company only (a tenant's own Looker Studio). Create the role with its password first.
create function monitoring.add_reader(reader name, company uuid default null) returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from pg_catalog.pg_roles r where r.rolname = reader) then
    raise exception 'role % does not exist: create it (login, password) first', reader using errcode = '42704';
  end if;
  insert into monitoring.readers (role_name, company_id) values (reader, company)
  on conflict (role_name) do update set company_id = excluded.company_id;
  execute pg_catalog.format('grant usage on schema monitoring to %I', reader);
  execute pg_catalog.format(
    'grant select on monitoring.companies, monitoring.events_daily, monitoring.duplicate_rate, '
    'monitoring.error_rate, monitoring.meta_latency, monitoring.fbtrace_events, monitoring.match_quality, '
    'monitoring.queue_depth, monitoring.dead_letters, monitoring.breaker_states, monitoring.setup_funnel, '
    'monitoring.accuracy to %I', reader);
  execute pg_catalog.format(
    'grant execute on function monitoring.day_of(timestamptz), monitoring.sees_all(name), '
    'monitoring.reader_companies(name), monitoring.member_of(uuid), monitoring.queue_metrics() to %I', reader);
end
$$;

-- What /metrics exposes from the database (the dispatcher runs in another process, so its figures
-- come from here at scrape time). One round trip; labels as jsonb.
create function monitoring.prometheus_snapshot()
returns table (metric text, labels jsonb, value double precision)
language sql stable
security definer
set search_path = ''
as $$
  select 'queue_depth', pg_catalog.jsonb_build_object('queue', q.queue_name), q.queue_length::float8
  from monitoring.queue_metrics() q
  union all
  select 'queue_oldest_message_age_seconds', pg_catalog.jsonb_build_object('queue', q.queue_name),
         coalesce(q.oldest_msg_age_s, 0)::float8
  from monitoring.queue_metrics() q
  union all
  select 'breakers', pg_catalog.jsonb_build_object('scope', s.scope, 'state', s.state),
         (select count(*) from delivery.breakers b where b.scope = s.scope and b.state = s.state)::float8
  from (values ('meta'), ('destination')) sc (scope)
  cross join lateral (
    select sc.scope, st.state from (values ('closed'), ('open'), ('half_open')) st (state)
  ) s
  union all
  select 'dispatch_attempts_total', pg_catalog.jsonb_build_object('outcome', c.status), sum(c.n)::float8
  from monitoring.all_counts c where c.metric = 'attempt' group by c.status
  union all
  select 'dispatch_events_total', pg_catalog.jsonb_build_object('outcome', c.status), sum(c.units)::float8
  from monitoring.all_counts c where c.metric = 'attempt' group by c.status
  union all
  select 'meta_latency_ms_bucket', pg_catalog.jsonb_build_object('le', c.bucket), sum(c.n)::float8
  from monitoring.all_counts c where c.metric = 'latency' group by c.bucket
  union all
  select 'events', pg_catalog.jsonb_build_object('source', c.source, 'status', c.status), sum(c.n)::float8
  from monitoring.all_counts c where c.metric = 'event' group by c.source, c.status having sum(c.n) <> 0
  union all
  select 'dead_letters_open', '{}'::jsonb, count(*)::float8 from delivery.dead_letters l where l.replayed_at is null
  union all
  select 'alerts_firing', pg_catalog.jsonb_build_object('code', a.code, 'severity', a.severity), count(*)::float8
  from monitoring.alerts a where a.status = 'firing' group by a.code, a.severity
$$;

alter table monitoring.alert_rules enable row level security;
alter table monitoring.alerts enable row level security;
alter table monitoring.notifications enable row level security;
alter table monitoring.company_counters enable row level security;

create policy "Members can read the default alert rules and their own" on monitoring.alert_rules
for select to authenticated using (company_id is null or app.has_company_access(company_id));
create policy "Members can read their companies' alerts" on monitoring.alerts
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their companies' counters" on monitoring.company_counters
for select to authenticated using (app.has_company_access(company_id));

grant select on monitoring.alert_rules, monitoring.alerts, monitoring.company_counters to authenticated;
grant all on all tables in schema monitoring to service_role;
grant usage on all sequences in schema monitoring to service_role;

-- The dashboard follows alerts and counters live (delivery.breakers and breaker_changes already are).
alter publication supabase_realtime add table monitoring.alerts, monitoring.company_counters;

revoke execute on all functions in schema monitoring from public, anon;
grant execute on function
monitoring.evaluate_alerts(),
monitoring.observe(timestamptz),
monitoring.refresh_company_counters(),
monitoring.claim_notification(bigint),
monitoring.finish_notification(bigint, text, text, numeric),
monitoring.prometheus_snapshot(),
monitoring.add_reader(name, uuid)
to service_role;
