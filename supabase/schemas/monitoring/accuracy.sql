-- Looker Studio: the accuracy report. Per company and BRT day: gateway sales approved that day,
-- the Purchase events of gateway sources received that day, how many Meta accepted (status sent:
-- Meta answered 2xx and counted them in events_received), how many are still on their way, skipped,
-- dead or invalid (with the reasons), Meta's own events_received for that day's successful requests,
-- and accuracy = accepted / sales.
create or replace view monitoring.accuracy with (security_barrier = true, security_invoker = true) as
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
        (sum(r.n) filter (where r.status = 'invalid'))::bigint as invalid,
        jsonb_object_agg(r.status || ':' || coalesce(r.reason, 'unknown'), r.n)
            filter (where r.status in ('skipped', 'dead', 'invalid') and r.n > 0) as not_sent_reasons
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
    round(100.0 * coalesce(p.accepted, 0) / nullif(s.sales, 0), 2) as accuracy_pct,
    coalesce(p.invalid, 0) as invalid
from sales as s
full outer join purchases as p on s.day = p.day and s.company_id = p.company_id
left join meta as m
    on coalesce(s.day, p.day) = m.day and coalesce(s.company_id, p.company_id) = m.company_id;
revoke all on table monitoring.accuracy from public, anon, authenticated, service_role, looker_reader;
grant all on table monitoring.accuracy to service_role;
grant select on table monitoring.accuracy to authenticated;
