-- Revenue (issue 8, part 1): purchases linked to their lead and touchpoints, custom conversions,
-- attribution rows (last touch and linear) and ad spend per campaign and day. The ROAS / CAC / payback /
-- cohort views for Looker Studio are in monitoring (next migration), remarketing audiences after it.

create schema revenue;
comment on schema revenue is 'Revenue: purchases, custom conversions, attribution, ad spend and audiences.';
grant usage on schema revenue to authenticated, service_role;

-- Per-company tunables: the attribution lookback, the time zone reports use for days, and the Meta
-- ad account that spend is read from and audiences are created in (its token: app.secrets kind
-- 'meta_ads_token').
create table revenue.settings (
    company_id uuid primary key references app.companies (id) on delete cascade,
    lookback_days int not null default 28 check (lookback_days between 1 and 90),
    time_zone text not null default 'America/Sao_Paulo',
    ad_account_id text check (ad_account_id ~ '^[0-9]{1,20}$'),
    insights_days int not null default 3 check (insights_days between 1 and 90),
    updated_at timestamptz not null default app.now()
);
comment on table revenue.settings is 'Attribution lookback, report time zone and the Meta ad account of a company.';
select app.guard_tenant_table('revenue.settings');

-- A touch's campaign / ad set / ad: Meta's ids in the landing URL (campaign_id, adset_id, ad_id, as
-- Meta's URL parameters {{campaign.id}} etc. put them) win over the UTMs (utm_campaign, utm_term as the
-- ad set, utm_content as the ad, the convention of Meta's dynamic UTM template).
create function revenue.url_param(url text, name text) returns text
language sql immutable parallel safe
return nullif(pg_catalog.substring(url, '[?&]' || name || '=([^&#]+)'), '');

-- The company a signed-in user acts for: the one given (they must be a marketing or backoffice admin of
-- it), or, left out, the only one they administer. Raises 42501 / 22023 otherwise.
create function revenue.admin_company(company uuid, action text) returns uuid
language plpgsql stable
security definer
set search_path = ''
as $$
declare
  uid uuid := (select auth.uid());
  target uuid := company;
  n int;
begin
  if uid is null then
    raise exception 'sign in first' using errcode = '42501';
  end if;
  if target is null then
    select count(*), pg_catalog.min(m.company_id::text)::uuid into n, target
    from app.company_members m
    where m.user_id = uid and app.role_rank(m.role) >= app.role_rank('marketing_admin');
    if n > 1 then
      raise exception 'you administer % companies: say which one (company_id)', n using errcode = '22023';
    end if;
  end if;
  if target is null or not app.has_company_access(target, 'marketing_admin') then
    raise exception 'only a marketing or backoffice admin of the company may %', action using errcode = '42501';
  end if;
  return target;
end
$$;

-- Every purchase, whatever its source: gateway and WhatsApp sales (tracking.sales) and Purchase events
-- of the direct API that have no sale row. net_amount subtracts refunds and chargebacks (a chargeback
-- takes the whole amount back). The lead is the visitor: the sale's own, its event's, else the latest
-- visitor with the same hashed e-mail, else phone. Like the monitoring views it runs with its owner's
-- rights and filters rows itself (members: their companies; service, Looker readers: as registered), so
-- the Looker views can build on it.
create view revenue.purchases with (security_barrier = true) as
select
    p.company_id,
    p.purchase_key,
    p.source,
    p.provider_ref,
    p.amount,
    p.currency,
    least(p.amount, p.refunded_amount) as refunded_amount,
    p.amount - least(p.amount, p.refunded_amount) as net_amount,
    p.purchased_at,
    p.product_ref,
    p.product_name,
    p.em,
    p.ph,
    p.event_pk,
    p.conversation_id,
    coalesce(v.visitor_id, ve.visitor_id, vp.visitor_id) as lead_visitor_id
from (
    select
        s.company_id,
        'sale:' || s.id as purchase_key,
        s.gateway as source,
        s.provider_ref,
        s.amount,
        s.currency::text as currency,
        case when s.charged_back_at is not null then s.amount else s.refunded_amount end as refunded_amount,
        coalesce(s.approved_at, s.first_seen_at) as purchased_at,
        s.product_ref,
        s.product_name,
        coalesce(s.em, e.user_data ->> 'em') as em,
        coalesce(s.ph, e.user_data ->> 'ph') as ph,
        s.purchase_event_pk as event_pk,
        case when s.gateway = 'whatsapp' then pg_catalog.split_part(s.provider_ref, ':', 1)::bigint end
        as conversation_id,
        coalesce(s.visitor_id, e.visitor_id) as visitor_id
    from tracking.sales as s
    left join tracking.events as e on s.purchase_event_pk = e.id
    where s.amount is not null and (s.approved_at is not null or s.sale_effect in ('sale', 'refund', 'chargeback'))
    union all
    select
        e.company_id,
        'event:' || e.id as purchase_key,
        e.source,
        e.provider_ref,
        (e.custom_data ->> 'value')::numeric as amount,
        coalesce(pg_catalog.upper(e.custom_data ->> 'currency'), 'BRL') as currency,
        0 as refunded_amount,
        e.event_time as purchased_at,
        null as product_ref,
        e.custom_data ->> 'content_name' as product_name,
        e.user_data ->> 'em' as em,
        e.user_data ->> 'ph' as ph,
        e.id as event_pk,
        null as conversation_id,
        e.visitor_id
    from tracking.events as e
    where
        e.event_name = 'Purchase' and e.source in ('api', 'crm')
        and e.custom_data ->> 'value' ~ '^[0-9]+(\.[0-9]+)?$'
        and not exists (select 1 from tracking.sales as s where s.purchase_event_pk = e.id)
) as p
left join tracking.visitors as v on p.company_id = v.company_id and p.visitor_id = v.visitor_id
left join lateral (
    select x.visitor_id from tracking.visitors as x
    where x.company_id = p.company_id and x.em = p.em and v.visitor_id is null
    order by x.last_seen_at desc limit 1
) as ve on true
left join lateral (
    select x.visitor_id from tracking.visitors as x
    where x.company_id = p.company_id and x.ph = p.ph and v.visitor_id is null and ve.visitor_id is null
    order by x.last_seen_at desc limit 1
) as vp on true
where
    (select monitoring.sees_all(current_user))
    or p.company_id = any(coalesce((select monitoring.reader_companies(current_user)), '{}'))
    or monitoring.member_of(p.company_id);
-- purchases read "sales without their event's sale row" by this key
create index sales_purchase_event_idx on tracking.sales (purchase_event_pk) where purchase_event_pk is not null;
comment on view revenue.purchases is 'Every purchase with its net amount (after refunds) and its lead (visitor).';

-- Ad spend per day and campaign (ad set / ad when known; '' when the row is campaign-level), from Meta's
-- Insights API or a CSV upload, written only by revenue.record_spend.
create table revenue.spend (
    company_id uuid not null references app.companies (id) on delete cascade,
    day date not null,
    campaign_id text not null check (length(campaign_id) between 1 and 200),
    adset_id text not null default '',
    ad_id text not null default '',
    campaign_name text,
    spend numeric(14, 2) not null check (spend >= 0),
    currency char(3) not null default 'BRL' check (currency ~ '^[A-Z]{3}$'),
    source text not null check (source in ('insights', 'csv')),
    updated_at timestamptz not null default app.now(),
    primary key (company_id, day, campaign_id, adset_id, ad_id)
);
create index spend_campaign_name_idx on revenue.spend (company_id, campaign_name);
create index spend_ad_idx on revenue.spend (company_id, ad_id) where ad_id <> '';
comment on table revenue.spend is 'Ad spend per company, day and campaign (Insights API or CSV).';
select app.guard_tenant_table('revenue.spend');

-- One row per (purchase, model, touch). weight sums to 1 per purchase and model; a purchase without a
-- campaign touch in the lookback gets one row with no touch (unattributed), so totals still add up.
-- campaign is the spend's campaign_id when a spend row knows the UTM value (by id or name) or the ad.
create table revenue.attributions (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    purchase_key text not null,
    model text not null check (model in ('last_touch', 'linear')),
    touch_kind text check (touch_kind in ('touchpoint', 'whatsapp_referral')),
    touch_id bigint,
    touched_at timestamptz,
    campaign text,
    adset text,
    ad text,
    weight numeric not null check (weight > 0 and weight <= 1),
    computed_at timestamptz not null default app.now()
);
create index attributions_purchase_idx on revenue.attributions (company_id, purchase_key);
create index attributions_campaign_idx on revenue.attributions (company_id, model, campaign);
comment on table revenue.attributions is 'Attribution of each purchase to touches, per model; reports are plain SQL.';
select app.guard_tenant_table('revenue.attributions');

-- Recompute a company's attribution rows (all purchases; scheduled, and after spend arrives).
create function revenue.refresh_attribution(company uuid) returns int
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

create function revenue.refresh_all_attribution() returns int
language sql
set search_path = ''
as $$
  select coalesce(sum(revenue.refresh_attribution(c.id)), 0)::int from app.companies c
$$;
select app.schedule('trackai-revenue-attribution', '*/15 * * * *', 'select revenue.refresh_all_attribution()');

-- The one writer of spend (Insights worker and CSV upload). rows: [{day, campaign_id, campaign_name,
-- adset_id, ad_id, spend, currency}], upserted; a bad row raises 22023 naming it (row numbers from 1),
-- and nothing is stored. Returns how many rows were written.
create function revenue.record_spend(company uuid, spend_source text, spend_rows jsonb) returns int
language plpgsql
set search_path = ''
as $$
declare
  r jsonb;
  i int := 0;
  problem text;
begin
  if pg_catalog.jsonb_typeof(spend_rows) <> 'array' then
    raise exception 'spend rows must be a JSON array' using errcode = '22023';
  end if;
  for r in select x from pg_catalog.jsonb_array_elements(spend_rows) x loop
    i := i + 1;
    problem := case
      when coalesce(r ->> 'day', '') !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then 'day must be a date (YYYY-MM-DD)'
      when coalesce(btrim(r ->> 'campaign_id'), '') = '' then 'campaign_id is required'
      when length(r ->> 'campaign_id') > 200 then 'campaign_id is longer than 200 characters'
      when coalesce(r ->> 'spend', '') !~ '^[0-9]+(\.[0-9]{1,2})?$' then
        'spend must be a non-negative amount with at most 2 decimals, e.g. 123.45'
      when coalesce(r ->> 'currency', 'BRL') !~ '^[A-Za-z]{3}$' then 'currency must be an ISO 4217 code such as BRL'
    end;
    if problem is null then
      begin
        perform (r ->> 'day')::date;
      exception when others then
        problem := 'day ' || (r ->> 'day') || ' is not a calendar date';
      end;
    end if;
    if problem is not null then
      raise exception 'row %: %', i, problem using errcode = '22023';
    end if;
    insert into revenue.spend as s (company_id, day, campaign_id, adset_id, ad_id, campaign_name, spend, currency,
                                    source)
    values (company, (r ->> 'day')::date, btrim(r ->> 'campaign_id'), coalesce(btrim(r ->> 'adset_id'), ''),
            coalesce(btrim(r ->> 'ad_id'), ''), nullif(btrim(r ->> 'campaign_name'), ''), (r ->> 'spend')::numeric,
            pg_catalog.upper(coalesce(r ->> 'currency', 'BRL')), spend_source)
    on conflict (company_id, day, campaign_id, adset_id, ad_id) do update set
      spend = excluded.spend, currency = excluded.currency, source = excluded.source,
      campaign_name = coalesce(excluded.campaign_name, s.campaign_name), updated_at = app.now();
  end loop;
  perform revenue.refresh_attribution(company);
  return i;
end
$$;

-- Custom conversions: rules as rows, evaluated when an event is recorded. A rule matches an event by
-- name, optional minimum value (custom_data.value) and optional containment of custom_data; it then
-- emits an extra Meta event (through tracking.record_event: deduplicated, queued like any other) or
-- only marks the event. E.g. "High value lead": Lead, min_value 500, emit HighValueLead.
create table revenue.conversion_rules (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    name text not null check (length(btrim(name)) between 1 and 100),
    event_name text not null check (event_name ~ '^[A-Za-z][A-Za-z0-9_]{1,49}$'),
    min_value numeric check (min_value >= 0),
    custom_data_contains jsonb not null default '{}'::jsonb check (pg_catalog.jsonb_typeof(custom_data_contains) = 'object'),
    action text not null check (action in ('emit', 'mark')),
    emit_event_name text check (emit_event_name ~ '^[A-Za-z][A-Za-z0-9_]{1,49}$'),
    active boolean not null default true,
    created_at timestamptz not null default app.now(),
    unique (company_id, name),
    check ((action = 'emit') = (emit_event_name is not null)),
    check (emit_event_name is distinct from event_name)
);
create index conversion_rules_lookup_idx on revenue.conversion_rules (company_id, event_name) where active;
comment on table revenue.conversion_rules is 'Custom conversions: which recorded events emit or mark an extra conversion.';
select app.guard_tenant_table('revenue.conversion_rules');

create table revenue.conversions (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    rule_id bigint not null references revenue.conversion_rules (id) on delete cascade,
    event_pk bigint not null references tracking.events (id) on delete cascade,
    emitted_event_pk bigint references tracking.events (id) on delete set null,
    value numeric,
    created_at timestamptz not null default app.now(),
    unique (rule_id, event_pk)
);
create index conversions_company_idx on revenue.conversions (company_id, created_at desc);
comment on table revenue.conversions is 'Events that met a custom conversion rule, and the event each emitted.';
select app.guard_tenant_table('revenue.conversions');

-- After each new event: one indexed lookup (company, event name) when the company has no rule. Events
-- this trigger emits (source custom_conversion) are not evaluated again, so rules cannot loop.
create function revenue.evaluate_conversions() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  rule revenue.conversion_rules;
  val numeric;
  emitted bigint;
begin
  if new.source = 'custom_conversion' then
    return null;
  end if;
  for rule in
    select * from revenue.conversion_rules r
    where r.company_id = new.company_id and r.event_name = new.event_name and r.active
  loop
    val := case when new.custom_data ->> 'value' ~ '^-?[0-9]+(\.[0-9]+)?$' then (new.custom_data ->> 'value')::numeric end;
    continue when rule.min_value is not null and (val is null or val <= rule.min_value);
    continue when not new.custom_data @> rule.custom_data_contains;
    emitted := null;
    if rule.action = 'emit' then
      select r.event_pk into emitted from tracking.record_event(
        new.company_id, new.inbound_id, 'custom_conversion', new.event_id || ':' || rule.id, rule.emit_event_name,
        new.event_time, new.action_source, new.event_source_url, new.user_data, new.custom_data,
        new.visitor_id, null, new.request_id, new.extra) r;
    end if;
    insert into revenue.conversions (company_id, rule_id, event_pk, emitted_event_pk, value)
    values (new.company_id, rule.id, new.id, emitted, val)
    on conflict do nothing;
  end loop;
  return null;
end
$$;
create trigger evaluate_conversions after insert on tracking.events
for each row execute function revenue.evaluate_conversions();

alter table revenue.settings enable row level security;
alter table revenue.spend enable row level security;
alter table revenue.attributions enable row level security;
alter table revenue.conversion_rules enable row level security;
alter table revenue.conversions enable row level security;

create policy "Members can read their revenue settings" on revenue.settings
for select to authenticated using (app.has_company_access(company_id));
create policy "Marketing admins can change their revenue settings" on revenue.settings
for update to authenticated
using (app.has_company_access(company_id, 'marketing_admin'))
with check (app.has_company_access(company_id, 'marketing_admin'));
create policy "Members can read their spend" on revenue.spend
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their attributions" on revenue.attributions
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their conversion rules" on revenue.conversion_rules
for select to authenticated using (app.has_company_access(company_id));
create policy "Marketing admins can add conversion rules" on revenue.conversion_rules
for insert to authenticated with check (app.has_company_access(company_id, 'marketing_admin'));
create policy "Marketing admins can change conversion rules" on revenue.conversion_rules
for update to authenticated
using (app.has_company_access(company_id, 'marketing_admin'))
with check (app.has_company_access(company_id, 'marketing_admin'));
create policy "Marketing admins can remove conversion rules" on revenue.conversion_rules
for delete to authenticated using (app.has_company_access(company_id, 'marketing_admin'));
create policy "Members can read their conversions" on revenue.conversions
for select to authenticated using (app.has_company_access(company_id));

grant select on revenue.settings, revenue.spend, revenue.attributions, revenue.conversion_rules,
revenue.conversions, revenue.purchases to authenticated;
grant update (lookback_days, time_zone, ad_account_id, insights_days) on revenue.settings to authenticated;
grant insert (company_id, name, event_name, min_value, custom_data_contains, action, emit_event_name, active),
update (name, event_name, min_value, custom_data_contains, action, emit_event_name, active), delete
on revenue.conversion_rules to authenticated;
grant all on all tables in schema revenue to service_role;

revoke execute on all functions in schema revenue from public, anon;
grant execute on function revenue.url_param(text, text), revenue.admin_company(uuid, text) to authenticated, service_role;
grant execute on function
revenue.refresh_attribution(uuid),
revenue.refresh_all_attribution(),
revenue.record_spend(uuid, text, jsonb)
to service_role;
