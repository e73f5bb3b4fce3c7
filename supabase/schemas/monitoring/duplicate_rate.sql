-- Looker Studio: duplicates per BRT day and source. A duplicate is a request that brought an event
-- already recorded (same company and event_id within the dedup window); it is answered with the
-- existing event and sends nothing. rate = duplicates / (new events + duplicates).
create or replace view monitoring.duplicate_rate with (security_barrier = true, security_invoker = true) as
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
revoke all on table monitoring.duplicate_rate from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.duplicate_rate to service_role;
grant select on table monitoring.duplicate_rate to authenticated;
