-- Looker Studio: per company, month (the company's time zone) and currency: spend, gross and net
-- revenue, refunds, purchases, new customers, ROAS (net revenue / spend; NULL exactly when spend is 0)
-- and CAC (spend / new customers). Two company choices (revenue.settings): refunds_in - a refund or
-- chargeback lowers the purchase's month ('purchase_month', the default) or the month it came
-- ('refund_month': a closed month stays closed); cac_customers - new customers are those whose first
-- purchase falls in the month and who paid ('paying', the default: not wholly refunded or charged back)
-- or all of them ('all').
create or replace view monitoring.revenue_monthly with (security_barrier = true, security_invoker = true) as
with chosen as (
    select
        p.*,
        coalesce(st.refunds_in, 'purchase_month') as refunds_in,
        coalesce(st.cac_customers, 'paying') as cac_customers
    from revenue.customer_purchases as p
    left join revenue.settings as st on p.company_id = st.company_id
),

sold as (
    select
        p.company_id,
        p.month,
        p.currency,
        sum(p.amount) as gross_revenue,
        count(*) as purchases,
        count(distinct p.customer_key) filter (
            where p.month = p.cohort_month and (p.cac_customers = 'all' or p.net_amount > 0)
        ) as new_customers
    from chosen as p
    group by p.company_id, p.month, p.currency
),

refunded as (
    select
        r.company_id,
        r.month,
        r.currency,
        sum(r.refunded_amount) as refunds
    from (
        select
            p.company_id,
            p.currency,
            p.refunded_amount,
            case when p.refunds_in = 'refund_month' then coalesce(p.refund_month, p.month) else p.month end as month
        from chosen as p
        where p.refunded_amount > 0
    ) as r
    group by r.company_id, r.month, r.currency
),

spent as (
    select
        s.company_id,
        s.currency::text as currency,
        date_trunc('month', s.day)::date as month,
        sum(s.spend) as spend
    from revenue.spend as s
    group by s.company_id, date_trunc('month', s.day)::date, s.currency
),

months as (
    select company_id, month, currency from sold
    union
    select company_id, month, currency from refunded
    union
    select company_id, month, currency from spent
)

select
    k.company_id,
    k.month,
    k.currency,
    coalesce(s.spend, 0) as spend,
    coalesce(p.gross_revenue, 0) as gross_revenue,
    coalesce(r.refunds, 0) as refunds,
    coalesce(p.gross_revenue, 0) - coalesce(r.refunds, 0) as net_revenue,
    coalesce(p.purchases, 0) as purchases,
    coalesce(p.new_customers, 0) as new_customers,
    round((coalesce(p.gross_revenue, 0) - coalesce(r.refunds, 0)) / nullif(s.spend, 0), 4) as roas,
    round(s.spend / nullif(p.new_customers, 0), 2) as cac
from months as k
left join sold as p on k.company_id = p.company_id and k.month = p.month and k.currency = p.currency
left join refunded as r on k.company_id = r.company_id and k.month = r.month and k.currency = r.currency
left join spent as s on k.company_id = s.company_id and k.month = s.month and k.currency = s.currency
where
    (select monitoring.sees_all(current_user))
    or k.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
    or monitoring.member_of(k.company_id);
revoke all on table monitoring.revenue_monthly from public, anon, authenticated, service_role, looker_reader;
grant select on table monitoring.revenue_monthly to authenticated, service_role;
