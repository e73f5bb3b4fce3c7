-- Looker Studio: monthly cohorts. A customer's cohort is the month of their first purchase; per cohort
-- and month since: customers, those who bought that month, net revenue that month and cumulated, and
-- the cohort month's spend (CAC = spend / customers; paid_back once cumulated revenue reaches spend).
create or replace view monitoring.revenue_cohorts with (security_barrier = true, security_invoker = true) as
with cohort as (
    select
        p.company_id,
        p.cohort_month,
        p.currency,
        count(distinct p.customer_key) as customers
    from revenue.customer_purchases as p
    group by p.company_id, p.cohort_month, p.currency
),

monthly as (
    select
        p.company_id,
        p.cohort_month,
        p.currency,
        p.month,
        count(distinct p.customer_key) as active_customers,
        sum(p.net_amount) as net_revenue
    from revenue.customer_purchases as p
    group by p.company_id, p.cohort_month, p.currency, p.month
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
    m.company_id,
    m.cohort_month,
    m.currency,
    c.customers,
    m.active_customers,
    m.net_revenue,
    coalesce(s.spend, 0) as cohort_spend,
    round(s.spend / c.customers, 2) as cac,
    (
        extract(year from age(m.month, m.cohort_month)) * 12 + extract(month from age(m.month, m.cohort_month))
    )::int as months_since,
    sum(m.net_revenue) over (
        partition by m.company_id, m.cohort_month, m.currency order by m.month
    ) as cumulative_net_revenue,
    sum(m.net_revenue) over (
        partition by m.company_id, m.cohort_month, m.currency order by m.month
    ) >= coalesce(s.spend, 0) as paid_back
from monthly as m
inner join cohort as c on m.company_id = c.company_id and m.cohort_month = c.cohort_month and m.currency = c.currency
left join spent as s on m.company_id = s.company_id and m.cohort_month = s.month and m.currency = s.currency
where
    (select monitoring.sees_all(current_user))
    or m.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
    or monitoring.member_of(m.company_id);
revoke all on table monitoring.revenue_cohorts from public, anon, authenticated, service_role, looker_reader;
grant select on table monitoring.revenue_cohorts to authenticated, service_role;
