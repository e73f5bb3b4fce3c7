-- Observability, part 2: the views Looker Studio reads. Each view is also kept as sql/<view>.sql
-- (tests/test_looker_sql_files_match_the_views.py keeps the two equal).
--
-- The views run with their owner's rights on purpose (no security_invoker): the Looker Studio login
-- must read them without any right on a base table. Each one filters its rows itself, as RLS would:
-- monitoring.sees_all(current_user) (service role, superusers, looker_reader) sees every company, a
-- per-tenant reader role sees its company (monitoring.reader_companies), and a dashboard user (role
-- authenticated with a member's JWT) sees the companies app.has_company_access allows. In a view,
-- current_user is the caller, not the owner. security_barrier keeps a caller's own functions from
-- seeing rows before that filter.

-- pgmq's figures without granting readers anything in pgmq.
create function monitoring.queue_metrics()
returns table (
    queue_name text,
    queue_length bigint,
    oldest_msg_age_s int,
    newest_msg_age_s int,
    total_messages bigint,
    scrape_time timestamptz
)
language sql stable security definer
set search_path = ''
as $$
  select m.queue_name, m.queue_length, m.oldest_msg_age_sec, m.newest_msg_age_sec, m.total_messages, m.scrape_time
  from pgmq.metrics_all() m
$$;

-- Internal: the rollup plus the deltas not folded yet, so every view is exact up to the last commit.
-- Not granted to readers (it is not tenant-filtered); the views below filter it.
create or replace view monitoring.all_counts as
select
    c.day,
    c.company_id,
    c.metric,
    c.source,
    c.event_name,
    c.status,
    c.reason,
    c.code,
    c.bucket,
    c.n,
    c.units,
    c.received,
    c.amount
from monitoring.daily_counts as c
union all
select
    d.day,
    d.company_id,
    d.metric,
    d.source,
    d.event_name,
    d.status,
    d.reason,
    d.code,
    d.bucket,
    d.n,
    d.units,
    d.received,
    d.amount
from monitoring.count_deltas as d;

-- Looker Studio: company names, to blend with the other views on company_id.
create or replace view monitoring.companies with (security_barrier = true) as
select
    c.id as company_id,
    c.name,
    c.slug,
    c.created_at
from app.companies as c
where
    (select monitoring.sees_all(current_user))
    or c.id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
    or monitoring.member_of(c.id);

-- Looker Studio: events per BRT day by source and current status (received, queued, sent,
-- retrying, dead, skipped). An event counts on the day it was received.
create or replace view monitoring.events_daily with (security_barrier = true) as
select
    c.day,
    c.company_id,
    c.source,
    c.status,
    sum(c.n)::bigint as events
from monitoring.all_counts as c
where
    c.metric = 'event'
    and (
        (select monitoring.sees_all(current_user))
        or c.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
        or monitoring.member_of(c.company_id)
    )
group by c.day, c.company_id, c.source, c.status
having sum(c.n) <> 0;

-- Looker Studio: duplicates per BRT day and source. A duplicate is a request that brought an event
-- already recorded (same company and event_id within the dedup window); it is answered with the
-- existing event and sends nothing. rate = duplicates / (new events + duplicates).
create or replace view monitoring.duplicate_rate with (security_barrier = true) as
with new_events as (
    select
        c.day,
        c.company_id,
        c.source,
        sum(c.n)::bigint as events
    from monitoring.all_counts as c
    where
        c.metric = 'event'
        and (
            (select monitoring.sees_all(current_user))
            or c.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
            or monitoring.member_of(c.company_id)
        )
    group by c.day, c.company_id, c.source
),

dups as (
    select
        monitoring.day_of(d.seen_at) as day,
        d.company_id,
        d.source,
        count(*)::bigint as duplicates
    from monitoring.duplicates as d
    where
        (select monitoring.sees_all(current_user))
        or d.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
        or monitoring.member_of(d.company_id)
    group by monitoring.day_of(d.seen_at), d.company_id, d.source
)

select
    coalesce(e.day, d.day) as day,
    coalesce(e.company_id, d.company_id) as company_id,
    coalesce(e.source, d.source) as source,
    coalesce(e.events, 0) as new_events,
    coalesce(d.duplicates, 0) as duplicates,
    round(
        100.0 * coalesce(d.duplicates, 0) / nullif(coalesce(e.events, 0) + coalesce(d.duplicates, 0), 0), 2
    ) as duplicate_rate_pct
from new_events as e
full outer join dups as d
    on e.day = d.day and e.company_id = d.company_id and e.source = d.source;

-- Looker Studio: requests to Meta per BRT day by outcome and error (the delivery.error_rules reason
-- and Meta's error code), with each row's share of the day's requests. outcome 'sent' is success;
-- retry, dead, pause and bisect are errors.
create or replace view monitoring.error_rate with (security_barrier = true) as
select
    c.day,
    c.company_id,
    c.status as outcome,
    c.reason,
    c.code as error_code,
    sum(c.n)::bigint as attempts,
    sum(c.units)::bigint as events,
    round(100.0 * sum(c.n) / sum(sum(c.n)) over (partition by c.day, c.company_id), 2) as share_pct
from monitoring.all_counts as c
where
    c.metric = 'attempt'
    and (
        (select monitoring.sees_all(current_user))
        or c.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
        or monitoring.member_of(c.company_id)
    )
group by c.day, c.company_id, c.status, c.reason, c.code;

-- Looker Studio: Meta's answer time per BRT day, p50 / p95 / p99 (ms), from the latency histogram
-- of the rollup: each figure is the upper bound of its bucket (50, 100, 150 ... 1,500, 2,000, 2,500 ...).
create or replace view monitoring.meta_latency with (security_barrier = true) as
with histogram as (
    select
        c.day,
        c.company_id,
        c.bucket,
        sum(c.n) as n
    from monitoring.all_counts as c
    where
        c.metric = 'latency'
        and (
            (select monitoring.sees_all(current_user))
            or c.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
            or monitoring.member_of(c.company_id)
        )
    group by c.day, c.company_id, c.bucket
),

cumulative as (
    select
        h.day,
        h.company_id,
        h.bucket,
        sum(h.n) over (partition by h.day, h.company_id order by h.bucket) as running,
        sum(h.n) over (partition by h.day, h.company_id) as total
    from histogram as h
)

select
    c.day,
    c.company_id,
    max(c.total)::bigint as attempts,
    min(c.bucket) filter (where c.running >= 0.50 * c.total) as p50_ms,
    min(c.bucket) filter (where c.running >= 0.95 * c.total) as p95_ms,
    min(c.bucket) filter (where c.running >= 0.99 * c.total) as p99_ms,
    max(c.bucket) as max_ms
from cumulative as c
group by c.day, c.company_id;

-- Looker Studio / runbook: Meta's fbtrace_id -> the request to Meta -> the events it carried, with the
-- request id of the API call that brought each event in. Filter on fbtrace_id (indexed).
create or replace view monitoring.fbtrace_events with (security_barrier = true) as
select
    a.fbtrace_id,
    a.id as attempt_id,
    a.attempted_at,
    a.company_id,
    a.pixel_id,
    a.request_id as dispatch_request_id,
    a.outcome,
    a.http_status,
    a.error_code,
    a.error_message,
    e.id as event_pk,
    e.event_id,
    e.event_name,
    e.status as event_status,
    e.source,
    e.request_id as ingest_request_id,
    e.received_at
from delivery.attempts as a
cross join lateral unnest(a.event_pks) as u (event_pk)
inner join tracking.events as e on u.event_pk = e.id
where
    a.fbtrace_id is not null
    and (
        (select monitoring.sees_all(current_user))
        or a.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
        or monitoring.member_of(a.company_id)
    );

-- Looker Studio: estimated match quality (0-10, tracking.estimate_match_quality) per tenant and BRT
-- day: the average and the share of events in each band.
create or replace view monitoring.match_quality with (security_barrier = true) as
select
    c.day,
    c.company_id,
    sum(c.n)::bigint as events,
    round(sum(c.amount) / nullif(sum(c.n), 0), 2) as avg_match_quality,
    round(100.0 * coalesce(sum(c.n) filter (where c.bucket < 2), 0) / nullif(sum(c.n), 0), 2) as below_2_pct,
    round(100.0 * coalesce(sum(c.n) filter (where c.bucket >= 2 and c.bucket < 4), 0) / nullif(sum(c.n), 0), 2)
        as from_2_to_4_pct,
    round(100.0 * coalesce(sum(c.n) filter (where c.bucket >= 4 and c.bucket < 6), 0) / nullif(sum(c.n), 0), 2)
        as from_4_to_6_pct,
    round(100.0 * coalesce(sum(c.n) filter (where c.bucket >= 6 and c.bucket < 8), 0) / nullif(sum(c.n), 0), 2)
        as from_6_to_8_pct,
    round(100.0 * coalesce(sum(c.n) filter (where c.bucket >= 8), 0) / nullif(sum(c.n), 0), 2) as from_8_pct
from monitoring.all_counts as c
where
    c.metric = 'quality'
    and (
        (select monitoring.sees_all(current_user))
        or c.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
        or monitoring.member_of(c.company_id)
    )
group by c.day, c.company_id
having sum(c.n) <> 0;

-- Looker Studio: pgmq queues, depth and the age of the oldest message. Platform-wide, so only
-- readers that see every company get rows.
create or replace view monitoring.queue_depth with (security_barrier = true) as
select
    q.queue_name,
    q.queue_length,
    q.oldest_msg_age_s,
    q.newest_msg_age_s,
    q.total_messages,
    q.scrape_time
from monitoring.queue_metrics() as q
where (select monitoring.sees_all(current_user));

-- Looker Studio: open dead letters (not replayed) per company and reason code.
create or replace view monitoring.dead_letters with (security_barrier = true) as
select
    l.company_id,
    split_part(l.reason, ':', 1) as reason,
    l.error_code,
    count(*)::bigint as open_letters,
    min(l.dead_at) as oldest_dead_at,
    max(l.dead_at) as newest_dead_at
from delivery.dead_letters as l
where
    l.replayed_at is null
    and (
        (select monitoring.sees_all(current_user))
        or l.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
        or monitoring.member_of(l.company_id)
    )
group by l.company_id, split_part(l.reason, ':', 1), l.error_code;

-- Looker Studio: every circuit breaker (Meta as a whole, and one per pixel) and its state.
-- The Meta-wide breaker concerns every tenant, so every reader sees it.
create or replace view monitoring.breaker_states with (security_barrier = true) as
select
    b.id as breaker_id,
    b.scope,
    b.company_id,
    b.destination_id,
    d.pixel_id,
    b.state,
    b.reason,
    b.error_rate,
    b.window_attempts,
    b.opened_at,
    b.half_open_at,
    b.closed_at,
    nullif(b.changed_at, '-infinity') as changed_at
from delivery.breakers as b
left join delivery.destinations as d on b.destination_id = d.id
where
    b.company_id is null
    or (select monitoring.sees_all(current_user))
    or b.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
    or monitoring.member_of(b.company_id);

-- Looker Studio: the setup funnel per company: created -> configured (a Meta destination) -> first
-- event received -> first event accepted by Meta. Setup sessions (SPEC 3.2) do not exist yet, so the
-- stages are read from companies, destinations, events and attempts; when they land, this view
-- should read them instead.
create or replace view monitoring.setup_funnel with (security_barrier = true) as
select
    c.id as company_id,
    c.slug,
    c.created_at,
    dest.configured_at,
    dest.has_token,
    first_event.received_at as first_event_at,
    first_sent.attempted_at as first_sent_at,
    case
        when first_sent.attempted_at is not null then 'sending'
        when first_event.received_at is not null then 'first_event'
        when dest.configured_at is not null then 'configured'
        else 'created'
    end as stage
from app.companies as c
left join lateral (
    select
        min(d.created_at) as configured_at,
        bool_or(exists (
            select 1 from app.secrets as s
            where s.company_id = d.company_id and s.kind = 'meta_capi_token'
        )) as has_token
    from delivery.destinations as d
    where d.company_id = c.id
) as dest on true
left join lateral (
    select e.received_at
    from tracking.events as e
    where e.company_id = c.id
    order by e.received_at asc
    limit 1
) as first_event on true
left join lateral (
    select a.attempted_at
    from delivery.attempts as a
    where a.company_id = c.id and a.outcome = 'sent'
    order by a.attempted_at asc
    limit 1
) as first_sent on true
where
    (select monitoring.sees_all(current_user))
    or c.id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
    or monitoring.member_of(c.id);

-- Looker Studio: the accuracy report. Per company and BRT day: gateway sales approved that day,
-- the Purchase events of gateway sources received that day, how many Meta accepted (status sent:
-- Meta answered 2xx and counted them in events_received), how many are still on their way, skipped
-- or dead (with the reasons), Meta's own events_received for that day's successful requests, and
-- accuracy = accepted / sales.
create or replace view monitoring.accuracy with (security_barrier = true) as
with sales as (
    select
        v.day,
        v.company_id,
        sum(v.n)::bigint as sales,
        sum(v.amount) as sales_amount
    from monitoring.all_counts as v
    where
        v.metric = 'sale'
        and (
            (select monitoring.sees_all(current_user))
            or v.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
            or monitoring.member_of(v.company_id)
        )
    group by v.day, v.company_id
),

purchase_rows as (
    select
        v.day,
        v.company_id,
        v.status,
        v.reason,
        sum(v.n) as n
    from monitoring.all_counts as v
    where
        v.metric = 'event' and v.event_name = 'Purchase'
        and v.source in ('perfectpay', 'mercadopago', 'whatsapp')
        and (
            (select monitoring.sees_all(current_user))
            or v.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
            or monitoring.member_of(v.company_id)
        )
    group by v.day, v.company_id, v.status, v.reason
),

purchases as (
    select
        r.day,
        r.company_id,
        sum(r.n)::bigint as purchase_events,
        (sum(r.n) filter (where r.status = 'sent'))::bigint as accepted,
        (sum(r.n) filter (where r.status in ('received', 'queued', 'retrying')))::bigint as in_flight,
        (sum(r.n) filter (where r.status = 'skipped'))::bigint as skipped,
        (sum(r.n) filter (where r.status = 'dead'))::bigint as dead,
        jsonb_object_agg(r.status || ':' || coalesce(r.reason, 'unknown'), r.n)
            filter (where r.status in ('skipped', 'dead') and r.n > 0) as not_sent_reasons
    from purchase_rows as r
    group by r.day, r.company_id
),

meta as (
    select
        v.day,
        v.company_id,
        sum(v.received)::bigint as meta_events_received
    from monitoring.all_counts as v
    where
        v.metric = 'attempt' and v.status = 'sent'
        and (
            (select monitoring.sees_all(current_user))
            or v.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
            or monitoring.member_of(v.company_id)
        )
    group by v.day, v.company_id
)

select
    coalesce(s.day, p.day) as day,
    coalesce(s.company_id, p.company_id) as company_id,
    coalesce(s.sales, 0) as sales,
    coalesce(s.sales_amount, 0) as sales_amount,
    coalesce(p.purchase_events, 0) as purchase_events,
    coalesce(p.accepted, 0) as accepted,
    coalesce(p.in_flight, 0) as in_flight,
    coalesce(p.skipped, 0) as skipped,
    coalesce(p.dead, 0) as dead,
    coalesce(p.not_sent_reasons, '{}'::jsonb) as not_sent_reasons,
    coalesce(m.meta_events_received, 0) as meta_events_received,
    round(100.0 * coalesce(p.accepted, 0) / nullif(s.sales, 0), 2) as accuracy_pct
from sales as s
full outer join purchases as p on s.day = p.day and s.company_id = p.company_id
left join meta as m
    on coalesce(s.day, p.day) = m.day and coalesce(s.company_id, p.company_id) = m.company_id;

revoke all on monitoring.all_counts from public;
grant select on monitoring.all_counts to service_role;
grant select on
monitoring.companies, monitoring.events_daily, monitoring.duplicate_rate, monitoring.error_rate,
monitoring.meta_latency, monitoring.fbtrace_events, monitoring.match_quality, monitoring.queue_depth,
monitoring.dead_letters, monitoring.breaker_states, monitoring.setup_funnel, monitoring.accuracy
to looker_reader, service_role;
-- dashboard users: every tenant view (queue depth is platform-wide: not theirs)
grant select on
monitoring.companies, monitoring.events_daily, monitoring.duplicate_rate, monitoring.error_rate,
monitoring.meta_latency, monitoring.fbtrace_events, monitoring.match_quality, monitoring.dead_letters,
monitoring.breaker_states, monitoring.setup_funnel, monitoring.accuracy
to authenticated;

revoke execute on all functions in schema monitoring from public, anon;
grant execute on function monitoring.queue_metrics() to looker_reader, service_role;
