-- Looker Studio: ROAS per campaign and day (the company's time zone) under the last-touch and linear
-- models side by side: monitoring.revenue_attribution_daily pivoted (every model, and the rules for
-- money, names and NULL ROAS, are there). '(unattributed)' holds purchases without a campaign touch in
-- the lookback window.
create or replace view monitoring.revenue_campaign_daily with (security_barrier = true, security_invoker = true) as
select
    r.company_id,
    r.day,
    r.campaign,
    max(r.campaign_name) as campaign_name,
    r.currency,
    max(r.spend) as spend,
    coalesce(sum(r.revenue) filter (where r.model = 'last_touch'), 0) as revenue_last_touch,
    coalesce(sum(r.revenue) filter (where r.model = 'linear'), 0) as revenue_linear,
    coalesce(sum(r.purchases) filter (where r.model = 'last_touch'), 0)::bigint as purchases_last_touch,
    round(coalesce(sum(r.revenue) filter (where r.model = 'last_touch'), 0) / nullif(max(r.spend), 0), 4) as roas_last_touch,
    round(coalesce(sum(r.revenue) filter (where r.model = 'linear'), 0) / nullif(max(r.spend), 0), 4) as roas_linear
from monitoring.revenue_attribution_daily as r
group by r.company_id, r.day, r.campaign, r.currency;
revoke all on table monitoring.revenue_campaign_daily from public, anon, authenticated, service_role, looker_reader;
grant select on table monitoring.revenue_campaign_daily to authenticated, service_role;
