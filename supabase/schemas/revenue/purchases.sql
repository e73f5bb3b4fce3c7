-- Every purchase, whatever its source: gateway and WhatsApp sales (tracking.sales) and Purchase events
-- of the direct API that have no sale row. net_amount subtracts refunds and chargebacks (a chargeback
-- takes the whole amount back). The lead is the visitor: the sale's own, its event's, else the latest
-- visitor with the same hashed e-mail, else phone. security_invoker: a member reads it through the base
-- tables' RLS (the filter below keeps the same companies); Looker logins read the monitoring.revenue_*
-- views built on it through reporting.* (docs/dashboard.md). refunded_at: when the refund or chargeback
-- came (null: none).
create or replace view revenue.purchases with (security_barrier = true, security_invoker = true) as
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
    coalesce(v.visitor_id, ve.visitor_id, vp.visitor_id) as lead_visitor_id,
    p.sale_id,
    p.refunded_at
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
        coalesce(s.visitor_id, e.visitor_id) as visitor_id,
        s.id as sale_id,
        coalesce(s.charged_back_at, s.refunded_at) as refunded_at
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
        e.visitor_id,
        null as sale_id,
        null as refunded_at
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
comment on view revenue.purchases is 'Every purchase with its net amount (after refunds) and its lead (visitor).';
revoke all on table revenue.purchases from public, anon, authenticated, service_role, looker_reader;
grant all on table revenue.purchases to service_role;
grant select on table revenue.purchases to authenticated;
