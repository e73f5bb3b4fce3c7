-- Looker Studio: payback per monthly cohort: the first month since acquisition in which the cohort's
-- cumulated net revenue reached the cohort month's spend (null: not yet paid back).
create or replace view monitoring.revenue_payback with (security_barrier = true, security_invoker = true) as
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
revoke all on table monitoring.revenue_payback from public, anon, authenticated, service_role, looker_reader;
grant select on table monitoring.revenue_payback to authenticated, service_role;
