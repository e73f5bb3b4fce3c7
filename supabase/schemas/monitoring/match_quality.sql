-- Looker Studio: estimated match quality (0-10, tracking.estimate_match_quality) per tenant and BRT
-- day: the average and the share of events in each band.
create or replace view monitoring.match_quality with (security_barrier = true, security_invoker = true) as
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
revoke all on table monitoring.match_quality from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.match_quality to service_role;
grant select on table monitoring.match_quality to authenticated;
