-- Each purchase with its customer (lead visitor, else hashed e-mail, else phone), its day and month in
-- the company's time zone, the customer's cohort (month of the first purchase), and the local month of
-- its refund or chargeback; it shows the rows revenue.purchases shows (security_invoker, like it). The
-- monitoring.revenue_* views (what Looker Studio reads through reporting.*) build on it.
create or replace view revenue.customer_purchases with (security_barrier = true, security_invoker = true) as
select
    p.company_id,
    p.purchase_key,
    p.source,
    p.provider_ref,
    p.amount,
    p.currency,
    p.refunded_amount,
    p.net_amount,
    p.purchased_at,
    p.product_ref,
    p.product_name,
    p.em,
    p.ph,
    p.event_pk,
    p.conversation_id,
    p.lead_visitor_id,
    k.customer_key,
    (p.purchased_at at time zone coalesce(st.time_zone, 'America/Sao_Paulo'))::date as day,
    date_trunc('month', p.purchased_at at time zone coalesce(st.time_zone, 'America/Sao_Paulo'))::date as month,
    min(date_trunc('month', p.purchased_at at time zone coalesce(st.time_zone, 'America/Sao_Paulo'))::date)
        over (partition by p.company_id, k.customer_key)
    as cohort_month,
    p.sale_id,
    p.refunded_at,
    date_trunc('month', p.refunded_at at time zone coalesce(st.time_zone, 'America/Sao_Paulo'))::date
    as refund_month
from revenue.purchases as p
left join revenue.settings as st on p.company_id = st.company_id
cross join lateral (
    select coalesce('visitor:' || p.lead_visitor_id, 'em:' || p.em, 'ph:' || p.ph, p.purchase_key) as customer_key
) as k;
comment on view revenue.customer_purchases is 'Purchases with their customer, local day and month, and cohort month.';
revoke all on table revenue.customer_purchases from public, anon, authenticated, service_role, looker_reader;
grant select on table revenue.customer_purchases to authenticated, service_role;
