-- Looker Studio: requests to Meta per BRT day by outcome and error (the delivery.error_rules reason
-- and Meta's error code), with each row's share of the day's requests. outcome 'sent' is success;
-- retry, dead, pause and bisect are errors.
create or replace view monitoring.error_rate with (security_barrier = true, security_invoker = true) as
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
revoke all on table monitoring.error_rate from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.error_rate to service_role;
grant select on table monitoring.error_rate to authenticated;
