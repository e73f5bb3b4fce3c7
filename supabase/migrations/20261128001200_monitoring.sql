-- Observability, part 1: the monitoring schema, the daily rollup the views read, duplicates, the
-- Looker Studio reader role and the helpers that decide who sees which company.
--
-- Why a rollup: the views must answer in < 200 ms on a million events (bench/monitoring_views.py);
-- aggregating tracking.events live costs ~300 ms per view at that size. Statement-level triggers
-- (one call per INSERT/UPDATE statement, not per row) append signed deltas to
-- monitoring.count_deltas; monitoring.fold_counts() (every minute, from monitoring.evaluate_alerts)
-- folds them into monitoring.daily_counts. The views read both, so they are exact up to the last
-- commit, not up to the last fold. Deltas are plain inserts: no hot row, no lock contention.

create schema monitoring;
comment on schema monitoring is
'Observability: rollups, Looker Studio views, alert rules, alerts and their notifications.';
grant usage on schema monitoring to authenticated, service_role;

-- The day a timestamp falls on in Brazil (the product's market; Looker Studio days are BRT days).
create function monitoring.day_of(ts timestamptz) returns date
language sql immutable parallel safe
as $$
  select (pg_catalog.timezone('America/Sao_Paulo', ts))::date
$$;

-- Why an event stopped short of Meta: the skip reason, or the reason code of its dead letter
-- (last_error is '<reason>: <detail>', delivery.record_attempt / delivery.bury).
create function monitoring.event_reason(status text, skip_reason text, last_error text) returns text
language sql immutable parallel safe
as $$
  select case status
    when 'skipped' then skip_reason
    when 'dead' then pg_catalog.split_part(last_error, ':', 1)
  end
$$;

-- Meta latency histogram bucket: the upper bound (ms) of the bucket the value falls in, on a ~25 %
-- scale (2,000 ms, the alert threshold, is a bound). Percentiles read from it are upper bounds.
create function monitoring.latency_bucket(ms int) returns int
language sql immutable parallel safe
as $$
  select case
    when ms is null then null
    when ms > 60000 then (ms + 59999) / 60000 * 60000
    else (select min(b.b) from pg_catalog.unnest(array[
      50, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 7500,
      10000, 15000, 20000, 30000, 60000]) as b (b) where b.b >= ms)
  end
$$;

-- Per BRT day and company, what happened. One table for five kinds of fact (metric), each at the grain
-- its views need (a finer grain multiplies the rows every view reads):
--   event:   events received that day, by source, event_name and CURRENT status (+ skip/dead reason);
--            a status change moves a count between rows
--   quality: the same events by match-quality floor (bucket 0-10; amount = sum of match_quality)
--   sale:    gateway sales approved that day (source = gateway; amount)
--   attempt: requests to Meta (status = outcome, reason = error rule, code = Meta error code,
--            units = events carried, received = Meta's events_received)
--   latency: requests to Meta by latency bucket (bucket = upper bound in ms)
create table monitoring.daily_counts (
    day date not null,
    company_id uuid not null references app.companies (id) on delete cascade,
    metric text not null check (metric in ('event', 'quality', 'sale', 'attempt', 'latency')),
    source text,
    event_name text,
    status text,
    reason text,
    code int,
    bucket int,
    n bigint not null default 0,
    units bigint not null default 0,
    received bigint not null default 0,
    amount numeric not null default 0
);
create unique index daily_counts_key_idx on monitoring.daily_counts
(day, company_id, metric, source, event_name, status, reason, code, bucket) nulls not distinct;
create index daily_counts_company_idx on monitoring.daily_counts (company_id, metric, day);
comment on table monitoring.daily_counts is
'Daily rollup of events (by current status), sales and Meta attempts; fed by count_deltas.';
select app.guard_tenant_table('monitoring.daily_counts');

-- Signed deltas appended by the triggers below, folded into daily_counts every minute.
create table monitoring.count_deltas (
    id bigint generated always as identity primary key,
    day date not null,
    company_id uuid not null references app.companies (id) on delete cascade,
    metric text not null,
    source text,
    event_name text,
    status text,
    reason text,
    code int,
    bucket int,
    n bigint not null default 0,
    units bigint not null default 0,
    received bigint not null default 0,
    amount numeric not null default 0
);
comment on table monitoring.count_deltas is 'Not yet folded changes of daily_counts (monitoring.fold_counts).';
select app.guard_tenant_table('monitoring.count_deltas');

-- A request that brought an event we already had (same company and event_id within the dedup window):
-- noted by a trigger on tracking.event_keys, one row per duplicate. See docs/runbook.md.
create table monitoring.duplicates (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    event_pk bigint not null,
    source text not null,
    event_name text not null,
    seen_at timestamptz not null default app.now()
);
create index duplicates_company_seen_idx on monitoring.duplicates (company_id, seen_at);
create index duplicates_seen_idx on monitoring.duplicates (seen_at);
comment on table monitoring.duplicates is
'Copies of an event already recorded (gateway retries, browser+server pairs, API resends).';
select app.guard_tenant_table('monitoring.duplicates');

create function monitoring.count_new_events() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into monitoring.count_deltas (day, company_id, metric, source, event_name, status, reason, bucket, n,
                                       amount)
  select monitoring.day_of(e.received_at), e.company_id, 'event', e.source, e.event_name, e.status,
         monitoring.event_reason(e.status, e.skip_reason, e.last_error), null::int, count(*), 0
  from new_events e
  group by 1, 2, 4, 5, 6, 7
  union all
  select monitoring.day_of(e.received_at), e.company_id, 'quality', null, null, null, null,
         pg_catalog.floor(e.match_quality)::int, count(*), sum(e.match_quality)
  from new_events e
  group by 1, 2, 8;
  return null;
end
$$;

create function monitoring.count_changed_events() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into monitoring.count_deltas (day, company_id, metric, source, event_name, status, reason, n)
  select x.day, x.company_id, 'event', x.source, x.event_name, x.status, x.reason, sum(x.n)
  from (
    select monitoring.day_of(o.received_at) as day, o.company_id, o.source, o.event_name, o.status,
           monitoring.event_reason(o.status, o.skip_reason, o.last_error) as reason, -1 as n
    from old_events o join new_events v on v.id = o.id
    where (o.status, monitoring.event_reason(o.status, o.skip_reason, o.last_error), o.received_at, o.company_id,
           o.source, o.event_name)
          is distinct from (v.status, monitoring.event_reason(v.status, v.skip_reason, v.last_error), v.received_at,
                            v.company_id, v.source, v.event_name)
    union all
    select monitoring.day_of(v.received_at), v.company_id, v.source, v.event_name, v.status,
           monitoring.event_reason(v.status, v.skip_reason, v.last_error), 1
    from old_events o join new_events v on v.id = o.id
    where (o.status, monitoring.event_reason(o.status, o.skip_reason, o.last_error), o.received_at, o.company_id,
           o.source, o.event_name)
          is distinct from (v.status, monitoring.event_reason(v.status, v.skip_reason, v.last_error), v.received_at,
                            v.company_id, v.source, v.event_name)
  ) x
  group by x.day, x.company_id, x.source, x.event_name, x.status, x.reason
  having sum(x.n) <> 0;
  return null;
end
$$;

create trigger count_new_events after insert on tracking.events
referencing new table as new_events
for each statement execute function monitoring.count_new_events();
create trigger count_changed_events after update on tracking.events
referencing old table as old_events new table as new_events
for each statement execute function monitoring.count_changed_events();

-- Sales count on the day they are approved (approved_at is set once, never cleared).
create function monitoring.count_new_sales() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into monitoring.count_deltas (day, company_id, metric, source, n, amount)
  select monitoring.day_of(s.approved_at), s.company_id, 'sale', s.gateway, count(*), coalesce(sum(s.amount), 0)
  from new_sales s
  where s.approved_at is not null
  group by 1, 2, 4;
  return null;
end
$$;

create function monitoring.count_approved_sales() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into monitoring.count_deltas (day, company_id, metric, source, n, amount)
  select monitoring.day_of(v.approved_at), v.company_id, 'sale', v.gateway, count(*), coalesce(sum(v.amount), 0)
  from old_sales o join new_sales v on v.id = o.id
  where o.approved_at is null and v.approved_at is not null
  group by 1, 2, 4;
  return null;
end
$$;

create trigger count_new_sales after insert on tracking.sales
referencing new table as new_sales
for each statement execute function monitoring.count_new_sales();
create trigger count_approved_sales after update on tracking.sales
referencing old table as old_sales new table as new_sales
for each statement execute function monitoring.count_approved_sales();

create function monitoring.count_attempts() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into monitoring.count_deltas (day, company_id, metric, status, reason, code, bucket, n, units, received)
  select monitoring.day_of(a.attempted_at), a.company_id, 'attempt', a.outcome,
         case when a.outcome <> 'sent' then coalesce(r.reason, a.failure, 'http_' || a.http_status) end,
         a.error_code, null::int, count(*), sum(a.event_count), coalesce(sum(a.events_received), 0)
  from new_attempts a
  left join delivery.error_rules r on r.id = a.rule_id
  group by 1, 2, 4, 5, 6
  union all
  select monitoring.day_of(a.attempted_at), a.company_id, 'latency', null, null, null,
         monitoring.latency_bucket(a.latency_ms), count(*), 0, 0
  from new_attempts a
  where a.latency_ms is not null
  group by 1, 2, 7;
  return null;
end
$$;

create trigger count_attempts after insert on delivery.attempts
referencing new table as new_attempts
for each statement execute function monitoring.count_attempts();

-- Duplicates: the key already exists (committed), so tracking.record_event will answer with the
-- existing event. One index probe per new key; a row only for a duplicate. A copy racing the first one
-- (both in flight) waits on the key and is not counted: the rate is a lower bound.
create function monitoring.note_duplicate() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  first_pk bigint;
  src text;
  ev_name text;
begin
  select e.id, e.source, e.event_name into first_pk, src, ev_name
  from tracking.event_keys k
  join tracking.events e on e.id = k.event_pk
  where k.company_id = new.company_id and k.event_id = new.event_id;
  if found then
    insert into monitoring.duplicates (company_id, event_pk, source, event_name)
    values (new.company_id, first_pk, src, ev_name);
  end if;
  return new;
end
$$;

create trigger note_duplicate before insert on tracking.event_keys
for each row execute function monitoring.note_duplicate();

-- Fold the committed deltas into the rollup. Concurrent folds are safe: each delta row is deleted
-- (and so counted) by exactly one of them; deltas of transactions still in flight wait for the next.
create function monitoring.fold_counts() returns int
language plpgsql
set search_path = ''
as $$
declare
  n int;
begin
  with moved as (
    delete from monitoring.count_deltas returning *
  ),
  summed as (
    select m.day, m.company_id, m.metric, m.source, m.event_name, m.status, m.reason, m.code, m.bucket,
           sum(m.n) as n, sum(m.units) as units, sum(m.received) as received, sum(m.amount) as amount,
           count(*) as deltas
    from moved m
    group by m.day, m.company_id, m.metric, m.source, m.event_name, m.status, m.reason, m.code, m.bucket
  ),
  folded as (
    insert into monitoring.daily_counts as c (day, company_id, metric, source, event_name, status, reason, code,
                                              bucket, n, units, received, amount)
    select s.day, s.company_id, s.metric, s.source, s.event_name, s.status, s.reason, s.code, s.bucket,
           s.n, s.units, s.received, s.amount
    from summed s
    where exists (select 1 from app.companies co where co.id = s.company_id)
    on conflict (day, company_id, metric, source, event_name, status, reason, code, bucket) do update set
      n = c.n + excluded.n,
      units = c.units + excluded.units,
      received = c.received + excluded.received,
      amount = c.amount + excluded.amount
    returning 1
  )
  -- (a data-modifying CTE runs to completion whether or not it is read)
  select coalesce(sum(s.deltas), 0)::int into n from summed s;
  -- rows that netted out to nothing (every event of that key moved on) are dropped
  delete from monitoring.daily_counts c
  where c.metric = 'event' and c.n = 0;
  return n;
end
$$;

-- Backfill from what already exists (empty on a fresh database).
insert into monitoring.count_deltas (day, company_id, metric, source, event_name, status, reason, n)
select
    monitoring.day_of(e.received_at) as day,
    e.company_id,
    'event' as metric,
    e.source,
    e.event_name,
    e.status,
    monitoring.event_reason(e.status, e.skip_reason, e.last_error) as reason,
    count(*) as n
from tracking.events as e
group by 1, 2, 4, 5, 6, 7;
insert into monitoring.count_deltas (day, company_id, metric, bucket, n, amount)
select
    monitoring.day_of(e.received_at) as day,
    e.company_id,
    'quality' as metric,
    floor(e.match_quality)::int as bucket,
    count(*) as n,
    sum(e.match_quality) as amount
from tracking.events as e
group by 1, 2, 4;
insert into monitoring.count_deltas (day, company_id, metric, source, n, amount)
select
    monitoring.day_of(s.approved_at) as day,
    s.company_id,
    'sale' as metric,
    s.gateway as source,
    count(*) as n,
    coalesce(sum(s.amount), 0) as amount
from tracking.sales as s
where s.approved_at is not null
group by 1, 2, 4;
insert into monitoring.count_deltas (day, company_id, metric, status, reason, code, n, units, received)
select
    monitoring.day_of(a.attempted_at) as day,
    a.company_id,
    'attempt' as metric,
    a.outcome as status,
    case when a.outcome <> 'sent' then coalesce(r.reason, a.failure, 'http_' || a.http_status) end as reason,
    a.error_code as code,
    count(*) as n,
    sum(a.event_count) as units,
    coalesce(sum(a.events_received), 0) as received
from delivery.attempts as a
left join delivery.error_rules as r on a.rule_id = r.id
group by 1, 2, 4, 5, 6;
insert into monitoring.count_deltas (day, company_id, metric, bucket, n)
select
    monitoring.day_of(a.attempted_at) as day,
    a.company_id,
    'latency' as metric,
    monitoring.latency_bucket(a.latency_ms) as bucket,
    count(*) as n
from delivery.attempts as a
where a.latency_ms is not null
group by 1, 2, 4;
select monitoring.fold_counts();

-- Indexes the monitoring queries need on tables of other modules (cheap, append-mostly; none on
-- tracking.events, the ingest hot path):
--   fbtrace_id -> events (the runbook's first lookup), sales approved per company (accuracy alert)
create index attempts_fbtrace_idx on delivery.attempts (fbtrace_id) where fbtrace_id is not null;
create index sales_company_approved_idx on tracking.sales (company_id, approved_at) where approved_at is not null;
--   a company's first request Meta accepted (setup funnel, setup_stuck)
create index attempts_company_sent_idx on delivery.attempts (company_id, attempted_at) where outcome = 'sent';

-- Who reads the views. The views run with their owner's rights (a Looker login must not need any
-- base table) and filter rows themselves:
--   * superusers, service_role and readers registered with company_id null (looker_reader): everything
--   * a reader role registered for one company (a tenant's own Looker Studio login): that company
--   * anyone else (role authenticated with a member's JWT): app.has_company_access(company_id)
create table monitoring.readers (
    role_name name primary key,
    company_id uuid references app.companies (id) on delete cascade,
    created_at timestamptz not null default now()
);
comment on table monitoring.readers is
'Database logins allowed to read the monitoring views: company_id null = every company.';
select app.guard_tenant_table('monitoring.readers');

create function monitoring.sees_all(who name) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select who = 'service_role'
      or coalesce((select r.rolsuper from pg_catalog.pg_roles r where r.rolname = who), false)
      or exists (select 1 from monitoring.readers x where x.role_name = who and x.company_id is null)
$$;
comment on function monitoring.sees_all(name) is 'True when this database role may read every company.';

create function monitoring.reader_companies(who name) returns uuid []
language sql stable security definer
set search_path = ''
as $$
  select coalesce(pg_catalog.array_agg(x.company_id), '{}')
  from monitoring.readers x where x.role_name = who and x.company_id is not null
$$;
comment on function monitoring.reader_companies(name) is 'The companies a per-tenant reader role may read.';

-- A dashboard user (role authenticated, a member's JWT) sees a company when app.has_company_access
-- says so. Wrapped here so the views call only monitoring functions (a reader needs no right in app).
create function monitoring.member_of(company uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select app.has_company_access(company)
$$;

-- The Looker Studio login. No password here: set it out of band (docs/runbook.md, "Looker Studio").
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'looker_reader') then
    create role looker_reader login noinherit;
  end if;
end
$$;
comment on role looker_reader is 'Looker Studio: reads the monitoring views and nothing else.';
grant usage on schema monitoring to looker_reader;
insert into monitoring.readers (role_name, company_id) values ('looker_reader', null);

alter table monitoring.daily_counts enable row level security;
alter table monitoring.count_deltas enable row level security;
alter table monitoring.duplicates enable row level security;
alter table monitoring.readers enable row level security;

create policy "Members can read their daily counts" on monitoring.daily_counts
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their duplicates" on monitoring.duplicates
for select to authenticated using (app.has_company_access(company_id));

grant select on monitoring.daily_counts, monitoring.duplicates to authenticated;
grant all on all tables in schema monitoring to service_role;

revoke execute on all functions in schema monitoring from public, anon;
grant execute on function monitoring.day_of(timestamptz), monitoring.sees_all(name),
monitoring.reader_companies(name), monitoring.member_of(uuid) to authenticated, service_role, looker_reader;
grant execute on function monitoring.fold_counts() to service_role;
