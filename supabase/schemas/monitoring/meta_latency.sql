-- Looker Studio: Meta's answer time per BRT day, p50 / p95 / p99 (ms), from the latency histogram
-- of the rollup: each figure is the upper bound of its bucket (50, 100, 150 ... 1,500, 2,000, 2,500 ...).
create or replace view monitoring.meta_latency with (security_barrier = true, security_invoker = true) as
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
revoke all on table monitoring.meta_latency from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.meta_latency to service_role;
grant select on table monitoring.meta_latency to authenticated;
