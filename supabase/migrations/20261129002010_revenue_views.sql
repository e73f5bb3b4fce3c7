-- Revenue (issue 8, part 2): the report views. revenue.customer_purchases adds to each purchase its
-- customer (lead visitor, else hashed e-mail, else phone), its day and month in the company's time zone,
-- and the customer's cohort (month of the first purchase); it shows the rows revenue.purchases shows.
-- The monitoring.revenue_* views are what Looker Studio reads; each is also kept as sql/<view>.sql
-- (tests keep the two equal).

create view revenue.customer_purchases with (security_barrier = true) as
select
    p.*,
    k.customer_key,
    (p.purchased_at at time zone coalesce(st.time_zone, 'America/Sao_Paulo'))::date as day,
    date_trunc('month', p.purchased_at at time zone coalesce(st.time_zone, 'America/Sao_Paulo'))::date as month,
    min(date_trunc('month', p.purchased_at at time zone coalesce(st.time_zone, 'America/Sao_Paulo'))::date)
        over (partition by p.company_id, k.customer_key)
    as cohort_month
from revenue.purchases as p
left join revenue.settings as st on p.company_id = st.company_id
cross join lateral (
    select coalesce('visitor:' || p.lead_visitor_id, 'em:' || p.em, 'ph:' || p.ph, p.purchase_key) as customer_key
) as k;
comment on view revenue.customer_purchases is 'Purchases with their customer, local day and month, and cohort month.';
grant select on revenue.customer_purchases to authenticated, service_role;

-- Looker Studio: ROAS per campaign and day (the company's time zone), per attribution model. Revenue is
-- net of refunds and chargebacks; spend and revenue meet on campaign and currency. '(unattributed)' holds
-- purchases without a campaign touch in the lookback window.
create or replace view monitoring.revenue_campaign_daily with (security_barrier = true) as
with attributed as (
    select
        a.company_id,
        p.day,
        p.currency,
        coalesce(a.campaign, '(unattributed)') as campaign,
        sum(a.weight * p.net_amount) filter (where a.model = 'last_touch') as revenue_last_touch,
        sum(a.weight * p.net_amount) filter (where a.model = 'linear') as revenue_linear,
        count(*) filter (where a.model = 'last_touch') as purchases_last_touch
    from revenue.attributions as a
    inner join revenue.customer_purchases as p on a.company_id = p.company_id and a.purchase_key = p.purchase_key
    group by a.company_id, p.day, p.currency, coalesce(a.campaign, '(unattributed)')
),

spent as (
    select
        s.company_id,
        s.day,
        s.campaign_id as campaign,
        s.currency::text as currency,
        max(s.campaign_name) as campaign_name,
        sum(s.spend) as spend
    from revenue.spend as s
    group by s.company_id, s.day, s.campaign_id, s.currency
)

select
    coalesce(a.company_id, s.company_id) as company_id,
    coalesce(a.day, s.day) as day,
    coalesce(a.campaign, s.campaign) as campaign,
    s.campaign_name,
    coalesce(a.currency, s.currency) as currency,
    coalesce(s.spend, 0) as spend,
    round(coalesce(a.revenue_last_touch, 0), 2) as revenue_last_touch,
    round(coalesce(a.revenue_linear, 0), 2) as revenue_linear,
    coalesce(a.purchases_last_touch, 0) as purchases_last_touch,
    round(a.revenue_last_touch / nullif(s.spend, 0), 4) as roas_last_touch,
    round(a.revenue_linear / nullif(s.spend, 0), 4) as roas_linear
from attributed as a
full outer join spent as s
    on a.company_id = s.company_id and a.day = s.day and a.campaign = s.campaign and a.currency = s.currency
where
    (select monitoring.sees_all(current_user))
    or coalesce(a.company_id, s.company_id) = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
    or monitoring.member_of(coalesce(a.company_id, s.company_id));

-- Looker Studio: per company, month (the company's time zone) and currency: spend, gross and net
-- revenue, refunds, purchases, new customers, ROAS (net revenue / spend) and CAC (spend / new customers).
create or replace view monitoring.revenue_monthly with (security_barrier = true) as
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

-- Looker Studio: monthly cohorts. A customer's cohort is the month of their first purchase; per cohort
-- and month since: customers, those who bought that month, net revenue that month and cumulated, and
-- the cohort month's spend (CAC = spend / customers; paid_back once cumulated revenue reaches spend).
create or replace view monitoring.revenue_cohorts with (security_barrier = true) as
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

-- Looker Studio: payback per monthly cohort: the first month since acquisition in which the cohort's
-- cumulated net revenue reached the cohort month's spend (null: not yet paid back).
create or replace view monitoring.revenue_payback with (security_barrier = true) as
select
    c.company_id,
    c.cohort_month,
    c.currency,
    c.customers,
    c.cohort_spend,
    c.cac,
    min(c.months_since) filter (where c.paid_back) as payback_months,
    max(c.cumulative_net_revenue) as net_revenue_to_date
from monitoring.revenue_cohorts as c
group by c.company_id, c.cohort_month, c.currency, c.customers, c.cohort_spend, c.cac;

grant select on monitoring.revenue_campaign_daily, monitoring.revenue_monthly, monitoring.revenue_cohorts,
monitoring.revenue_payback to looker_reader, authenticated, service_role;
