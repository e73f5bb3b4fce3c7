-- Internal: the rollup plus the deltas not folded yet, so every view is exact up to the last commit.
-- security_invoker: a member reads their companies' rows of both tables (RLS); not granted to Looker
-- readers, whose views read it through reporting.rows_of.
create or replace view monitoring.all_counts with (security_invoker = true) as
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
grant select on table monitoring.all_counts to authenticated;
