-- Recompute a company's attribution rows (all purchases; scheduled, and after spend arrives).
create or replace function revenue.refresh_attribution(company uuid) returns int
language plpgsql
set search_path = ''
as $$
declare
  n int;
  days int := coalesce((select s.lookback_days from revenue.settings s where s.company_id = company), 28);
begin
  delete from revenue.attributions a where a.company_id = company;
  with p as (
    select * from revenue.purchases x where x.company_id = company
  ), touches as (
    select p.purchase_key, 'touchpoint' as kind, t.id, t.occurred_at,
           coalesce(revenue.url_param(t.url, 'campaign_id'), nullif(t.utm_campaign, '')) as campaign,
           coalesce(revenue.url_param(t.url, 'adset_id'), nullif(t.utm_term, '')) as adset,
           coalesce(revenue.url_param(t.url, 'ad_id'), nullif(t.utm_content, '')) as ad
    from p
    join tracking.touchpoints t on t.company_id = p.company_id and t.visitor_id = p.lead_visitor_id
      and t.occurred_at <= p.purchased_at and t.occurred_at > p.purchased_at - pg_catalog.make_interval(days => days)
    union all
    select p.purchase_key, 'whatsapp_referral', c.id, c.referral_at, null, null, c.source_id
    from p
    join whatsapp.conversations c on c.id = p.conversation_id
    where c.source_type = 'ad' and c.source_id is not null and c.referral_at <= p.purchased_at
      and c.referral_at > p.purchased_at - pg_catalog.make_interval(days => days)
  ), resolved as (
    select t.purchase_key, t.kind, t.id, t.occurred_at, t.adset, t.ad,
           coalesce(
             (select s.campaign_id from revenue.spend s
              where s.company_id = company and (s.campaign_id = t.campaign or s.campaign_name = t.campaign) limit 1),
             (select s.campaign_id from revenue.spend s
              where s.company_id = company and t.ad is not null and s.ad_id = t.ad limit 1),
             t.campaign) as campaign
    from touches t
  ), ranked as (
    select r.*,
           pg_catalog.row_number() over (partition by r.purchase_key order by r.occurred_at desc, r.id desc) as rn,
           pg_catalog.count(*) over (partition by r.purchase_key) as n
    from resolved r
    where r.campaign is not null or r.ad is not null
  )
  insert into revenue.attributions (company_id, purchase_key, model, touch_kind, touch_id, touched_at, campaign,
                                    adset, ad, weight, computed_at)
  select company, r.purchase_key, 'last_touch', r.kind, r.id, r.occurred_at, r.campaign, r.adset, r.ad, 1, app.now()
  from ranked r where r.rn = 1
  union all
  select company, r.purchase_key, 'linear', r.kind, r.id, r.occurred_at, r.campaign, r.adset, r.ad, 1.0 / r.n,
         app.now()
  from ranked r
  union all
  select company, p.purchase_key, m.model, null, null, null, null, null, null, 1, app.now()
  from p cross join (values ('last_touch'), ('linear')) m (model)
  where not exists (select 1 from ranked r where r.purchase_key = p.purchase_key);
  get diagnostics n = row_count;
  return n;
end
$$;
revoke all on function revenue.refresh_attribution(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.refresh_attribution(uuid) to service_role;
