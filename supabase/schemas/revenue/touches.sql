-- Ad touches, derived once from the browser's touchpoints (one row per event) and read by every
-- attribution model. The snippet repeats a visit's UTMs and click id on every later event, so a touch is
-- where they change: a new click id (fbclid), a new UTM set, or new Meta ids in the URL (campaign_id,
-- adset_id, ad_id). The events after it, up to the next change, are the same touch. A touch is timed
-- and identified by its first event; its campaign / ad set / ad are its first event's (Meta's ids in
-- the URL win over the UTMs). visit numbers the visitor's visits (a new one after 30 minutes without an
-- event): attribution counts a campaign once per visit (revenue.attribute). Touches without a campaign
-- or ad (direct traffic) are left out. Not granted to members: revenue.attributions is what they read.
create or replace view revenue.touches as
with events as (
    select
        t.company_id,
        t.visitor_id,
        t.id,
        t.occurred_at,
        t.url,
        t.utm_campaign,
        t.utm_term,
        t.utm_content,
        row(t.fbclid, t.utm_source, t.utm_medium, t.utm_campaign, t.utm_content, t.utm_term) as marks,
        nullif(row(
            revenue.url_param(t.url, 'campaign_id'), revenue.url_param(t.url, 'adset_id'),
            revenue.url_param(t.url, 'ad_id')
        )::text, '(,,)') as url_ids,
        lag(t.occurred_at) over visitor as previous_at,
        lag(row(t.fbclid, t.utm_source, t.utm_medium, t.utm_campaign, t.utm_content, t.utm_term)) over visitor
        as previous_marks,
        lag(nullif(row(
            revenue.url_param(t.url, 'campaign_id'), revenue.url_param(t.url, 'adset_id'),
            revenue.url_param(t.url, 'ad_id')
        )::text, '(,,)')) over visitor as previous_url_ids
    from tracking.touchpoints as t
    window visitor as (partition by t.company_id, t.visitor_id order by t.occurred_at, t.id)
),

numbered as (
    select
        e.*,
        sum(case when e.previous_at is null or e.occurred_at - e.previous_at > interval '30 minutes' then 1 else 0 end)
            over visitor as visit,
        sum(
            case
                when
                    e.previous_at is null
                    or e.occurred_at - e.previous_at > interval '30 minutes'
                    or e.marks is distinct from e.previous_marks
                    or (e.url_ids is not null and e.url_ids is distinct from e.previous_url_ids)
                    then 1
                else 0
            end
        ) over visitor as touch_no
    from events as e
    window visitor as (partition by e.company_id, e.visitor_id order by e.occurred_at, e.id)
),

firsts as (
    select distinct on (n.company_id, n.visitor_id, n.touch_no)
        n.company_id,
        n.visitor_id,
        n.id as touch_id,
        n.occurred_at as touched_at,
        n.visit,
        coalesce(revenue.url_param(n.url, 'campaign_id'), nullif(n.utm_campaign, '')) as campaign,
        coalesce(revenue.url_param(n.url, 'adset_id'), nullif(n.utm_term, '')) as adset,
        coalesce(revenue.url_param(n.url, 'ad_id'), nullif(n.utm_content, '')) as ad,
        nullif(n.utm_campaign, '') as utm_campaign
    from numbered as n
    order by n.company_id, n.visitor_id, n.touch_no, n.occurred_at, n.id
)

select f.*
from firsts as f
where f.campaign is not null or f.ad is not null;
comment on view revenue.touches is 'Ad touches: a new click id, UTM set or Meta ids in the URL, per visitor.';
revoke all on table revenue.touches from public, anon, authenticated, service_role, looker_reader;
grant select on table revenue.touches to service_role;
