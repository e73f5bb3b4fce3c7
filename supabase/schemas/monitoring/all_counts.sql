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
revoke all on table monitoring.all_counts from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.all_counts to service_role;
