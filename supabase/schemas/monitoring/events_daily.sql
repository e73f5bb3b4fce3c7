-- Looker Studio: events per BRT day by source and current status (received, queued, sent,
-- retrying, dead, skipped). An event counts on the day it was received.
create or replace view monitoring.events_daily with (security_barrier = true, security_invoker = true) as
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
revoke all on table monitoring.events_daily from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.events_daily to service_role;
grant select on table monitoring.events_daily to authenticated;
