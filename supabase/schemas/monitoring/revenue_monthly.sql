-- Looker Studio: per company, month (the company's time zone) and currency: spend, gross and net
-- revenue, refunds, purchases, new customers, ROAS (net revenue / spend) and CAC (spend / new customers).
create or replace view monitoring.revenue_monthly with (security_barrier = true, security_invoker = true) as
with sold as (
    select
        p.company_id,
        p.month,
        p.currency,
        sum(p.amount) as gross_revenue,
        sum(p.refunded_amount) as refunds,
        sum(p.net_amount) as net_revenue,
        count(*) as purchases,
        count(distinct p.customer_key) filter (where p.month = p.cohort_month) as new_customers
    from revenue.customer_purchases as p
    group by p.company_id, p.month, p.currency
),

spent as (
    select
        s.company_id,
        s.currency::text as currency,
        date_trunc('month', s.day)::date as month,
        sum(s.spend) as spend
    from revenue.spend as s
    group by s.company_id, date_trunc('month', s.day)::date, s.currency
)

select
    coalesce(p.company_id, s.company_id) as company_id,
    coalesce(p.month, s.month) as month,
    coalesce(p.currency, s.currency) as currency,
    coalesce(s.spend, 0) as spend,
    coalesce(p.gross_revenue, 0) as gross_revenue,
    coalesce(p.refunds, 0) as refunds,
    coalesce(p.net_revenue, 0) as net_revenue,
    coalesce(p.purchases, 0) as purchases,
    coalesce(p.new_customers, 0) as new_customers,
    round(p.net_revenue / nullif(s.spend, 0), 4) as roas,
    round(s.spend / nullif(p.new_customers, 0), 2) as cac
from sold as p
full outer join spent as s on p.company_id = s.company_id and p.month = s.month and p.currency = s.currency
where
    (select monitoring.sees_all(current_user))
    or coalesce(p.company_id, s.company_id) = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
    or monitoring.member_of(coalesce(p.company_id, s.company_id));
revoke all on table monitoring.revenue_monthly from public, anon, authenticated, service_role, looker_reader;
grant select on table monitoring.revenue_monthly to authenticated, service_role;
