-- Looker Studio: per company, day (the company's time zone), campaign, currency and attribution model
-- (one row set per row of revenue.attribution_models: a new model shows here with no code change):
-- spend, attributed net revenue, credited purchases and ROAS. Every purchase counts: one without a
-- campaign touch, or not attributed yet, is '(unattributed)'. Money: each purchase's net amount is split
-- in cents by its weights, the remainder cent to its last touch, so a purchase's shares add up to it and
-- every total adds up to the sales; sums are taken before any rounding. ROAS = revenue / spend, NULL
-- exactly when spend is 0. campaign_name: monitoring.campaign_names (Insights, then CSV), else the UTM
-- campaign of the campaign's touches.
create or replace view monitoring.revenue_attribution_daily with (security_barrier = true, security_invoker = true) as
with shares as (
    select
        p.company_id,
        p.day,
        p.currency,
        m.model,
        p.purchase_key,
        p.net_amount,
        coalesce(a.weight, 1) as weight,
        coalesce(a.campaign, '(unattributed)') as campaign,
        round(p.net_amount * coalesce(a.weight, 1), 2) as cents,
        row_number() over (
            partition by p.company_id, p.purchase_key, m.model order by a.touched_at desc nulls last, a.id desc
        ) as from_last,
        sum(round(p.net_amount * coalesce(a.weight, 1), 2)) over (
            partition by p.company_id, p.purchase_key, m.model
        ) as rounded_total
    from revenue.customer_purchases as p
    cross join revenue.attribution_models as m
    left join revenue.attributions as a
        on p.company_id = a.company_id and p.purchase_key = a.purchase_key and m.model = a.model
),

attributed as (
    select
        s.company_id,
        s.day,
        s.currency,
        s.model,
        s.campaign,
        sum(case when s.from_last = 1 then s.cents + s.net_amount - s.rounded_total else s.cents end) as revenue,
        sum(s.weight) as purchases
    from shares as s
    group by s.company_id, s.day, s.currency, s.model, s.campaign
),

spent as (
    select
        s.company_id,
        s.day,
        s.campaign_id as campaign,
        s.currency::text as currency,
        m.model,
        sum(s.spend) as spend
    from revenue.spend as s
    cross join revenue.attribution_models as m
    group by s.company_id, s.day, s.campaign_id, s.currency, m.model
),

labels as (
    select
        a.company_id,
        a.campaign,
        max(a.utm_campaign) as utm_campaign
    from revenue.attributions as a
    where a.utm_campaign is not null and a.campaign is not null
    group by a.company_id, a.campaign
)

select
    coalesce(a.company_id, s.company_id) as company_id,
    coalesce(a.day, s.day) as day,
    coalesce(a.campaign, s.campaign) as campaign,
    coalesce(n.campaign_name, l.utm_campaign) as campaign_name,
    coalesce(a.currency, s.currency) as currency,
    coalesce(a.model, s.model) as model,
    coalesce(s.spend, 0) as spend,
    coalesce(a.revenue, 0) as revenue,
    round(coalesce(a.purchases, 0), 4) as purchases,
    round(coalesce(a.revenue, 0) / nullif(s.spend, 0), 4) as roas
from attributed as a
full outer join spent as s
    on
        a.company_id = s.company_id and a.day = s.day and a.campaign = s.campaign and a.currency = s.currency
        and a.model = s.model
left join monitoring.campaign_names as n
    on coalesce(a.company_id, s.company_id) = n.company_id and coalesce(a.campaign, s.campaign) = n.campaign_id
left join labels as l
    on coalesce(a.company_id, s.company_id) = l.company_id and coalesce(a.campaign, s.campaign) = l.campaign
where
    (select monitoring.sees_all(current_user))
    or coalesce(a.company_id, s.company_id) = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
    or monitoring.member_of(coalesce(a.company_id, s.company_id));
revoke all on table monitoring.revenue_attribution_daily from public, anon, authenticated, service_role, looker_reader;
grant select on table monitoring.revenue_attribution_daily to authenticated, service_role;
