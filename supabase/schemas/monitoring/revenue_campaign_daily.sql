-- Looker Studio: ROAS per campaign and day (the company's time zone), per attribution model. Revenue is
-- net of refunds and chargebacks; spend and revenue meet on campaign and currency. '(unattributed)' holds
-- purchases without a campaign touch in the lookback window.
create or replace view monitoring.revenue_campaign_daily with (security_barrier = true, security_invoker = true) as
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
revoke all on table monitoring.revenue_campaign_daily from public, anon, authenticated, service_role, looker_reader;
grant select on table monitoring.revenue_campaign_daily to authenticated, service_role;
