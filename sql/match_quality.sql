-- Looker Studio: estimated match quality (0-10, tracking.estimate_match_quality) per tenant and BRT
-- day, as a distribution over whole points (bucket 7 = 7.0-7.9).
create or replace view monitoring.match_quality with (security_barrier = true) as
select
    c.day,
    c.company_id,
    c.bucket as match_quality_floor,
    sum(c.n)::bigint as events,
    round(100.0 * sum(c.n) / nullif(sum(sum(c.n)) over (partition by c.day, c.company_id), 0), 2) as share_pct
from monitoring.all_counts as c
where
    c.metric = 'event'
    and (
        (select monitoring.sees_all(current_user))
        or c.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
        or monitoring.member_of(c.company_id)
    )
group by c.day, c.company_id, c.bucket
having sum(c.n) <> 0;
