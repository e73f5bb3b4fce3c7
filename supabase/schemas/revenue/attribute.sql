-- Attribute some purchases of a company (keys: revenue.purchases.purchase_key) under every model of
-- revenue.attribution_models, replacing their rows. Called by the triggers that record sales, Purchase
-- events, touches and leads (only the purchases they affect), by record_spend, and by the full rebuild.
-- A purchase's touches are its lead's ad touches (revenue.touches) in the lookback, plus the ad of its
-- WhatsApp conversation, a campaign counted once per visit (its latest touch in that visit); none: one
-- unattributed row per model, so every purchase has rows. campaign is a spend campaign_id when the
-- touch's id, its UTM naming a campaign (monitoring.campaign_names) or its ad is known to spend.
create or replace function revenue.attribute(company uuid, keys text[]) returns int
language plpgsql
set search_path = ''
-- planned on every call, for the tables as they are: a plan kept from a company's first sales (a few rows)
-- reads every attribution and sale of the company, and a batch then costs more the more it has sold
set plan_cache_mode = 'force_custom_plan'
as $$
declare
  n int;
  days int := coalesce((select s.lookback_days from revenue.settings s where s.company_id = company), 28);
  sale_ids bigint[] := array(select pg_catalog.substr(k, 6)::bigint from pg_catalog.unnest(keys) k
                             where k ~ '^sale:[0-9]+$');
  event_ids bigint[] := array(select pg_catalog.substr(k, 7)::bigint from pg_catalog.unnest(keys) k
                              where k ~ '^event:[0-9]+$');
begin
  -- two transactions attributing the same purchase take turns (the second sees the first's rows and
  -- replaces them); a rebuild, or a set too large to lock key by key, holds its company exclusively
  if pg_catalog.cardinality(keys) > 1000 then
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(company::text, 0));
  else
    perform pg_catalog.pg_advisory_xact_lock_shared(pg_catalog.hashtextextended(company::text, 0));
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(company::text || x.k, 0))
    from (select distinct k from pg_catalog.unnest(keys) k order by 1) x;
  end if;
  delete from revenue.attributions a where a.company_id = company and a.purchase_key = any(keys);
  with p as (
    select x.purchase_key, x.purchased_at, x.lead_visitor_id, x.conversation_id
    from revenue.purchases x
    -- sale_id / event_pk let the view's branches use their keys' indexes
    where x.company_id = company and (x.sale_id = any(sale_ids) or x.event_pk = any(event_ids))
      and x.purchase_key = any(keys)
  ), segments as (
    select p.purchase_key, 'touchpoint' as kind, t.touch_id as id, t.touched_at, t.visit, t.campaign, t.adset,
           t.ad, t.utm_campaign
    from p
    -- lateral, and kept apart (offset 0): the visitor's id reaches into the view's windows, so only
    -- their touchpoints are read
    cross join lateral (
      select x.* from revenue.touches x where x.company_id = company and x.visitor_id = p.lead_visitor_id offset 0
    ) t
    where t.touched_at <= p.purchased_at and t.touched_at > p.purchased_at - pg_catalog.make_interval(days => days)
    union all
    select p.purchase_key, 'whatsapp_referral', c.id, c.referral_at, -c.id, null, null, c.source_id, null
    from p
    join whatsapp.conversations c on c.id = p.conversation_id
    where c.source_type = 'ad' and c.source_id is not null and c.referral_at <= p.purchased_at
      and c.referral_at > p.purchased_at - pg_catalog.make_interval(days => days)
  ), resolved as (
    select t.purchase_key, t.kind, t.id, t.touched_at, t.visit, t.adset, t.ad, t.utm_campaign,
           coalesce(
             (select s.campaign_id from monitoring.campaign_names s
              where s.company_id = company and (s.campaign_id = t.campaign or s.campaign_name = t.campaign)
              order by s.campaign_id = t.campaign desc limit 1),
             (select s.campaign_id from revenue.spend s
              where s.company_id = company and s.ad_id <> '' and s.ad_id = t.ad limit 1),
             t.campaign) as campaign
    from segments t
  ), touches as (
    select distinct on (r.purchase_key, r.visit, coalesce(r.campaign, 'ad:' || r.ad)) r.*
    from resolved r
    order by r.purchase_key, r.visit, coalesce(r.campaign, 'ad:' || r.ad), r.touched_at desc, r.id desc
  ), ranked as (
    select r.*,
           pg_catalog.row_number() over (partition by r.purchase_key order by r.touched_at, r.id)::int as pos,
           pg_catalog.count(*) over (partition by r.purchase_key)::int as n
    from touches r
  )
  insert into revenue.attributions (company_id, purchase_key, model, touch_kind, touch_id, touched_at, campaign,
                                    adset, ad, utm_campaign, weight, lead_visitor_id, purchased_at, computed_at)
  select company, r.purchase_key, m.model, r.kind, r.id, r.touched_at, r.campaign, r.adset, r.ad, r.utm_campaign,
         w.weight, p.lead_visitor_id, p.purchased_at, app.now()
  from ranked r
  join p on p.purchase_key = r.purchase_key
  cross join revenue.attribution_models m
  cross join lateral (select revenue.position_weight(m.first_share, m.last_share, r.pos, r.n) as weight) w
  where w.weight > 0
  union all
  select company, p.purchase_key, m.model, null, null, null, null, null, null, null, 1, p.lead_visitor_id,
         p.purchased_at, app.now()
  from p cross join revenue.attribution_models m
  where not exists (select 1 from ranked r where r.purchase_key = p.purchase_key);
  get diagnostics n = row_count;
  return n;
end
$$;
revoke all on function revenue.attribute(uuid,text[]) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.attribute(uuid,text[]) to service_role;
