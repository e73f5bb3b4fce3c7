-- A sale becomes (maybe) a Meta event per the status mapping; the sale row keeps the revenue. What
-- happened decides the event's action_source (tracking.sale_action_source): a renewal (the gateway's
-- charge number above 1) or a refund is system_generated; a checkout is decided by tracking.record_event
-- once it knows whether the page and the browser are known.
create or replace function tracking.record_sale(
    inbound_pk bigint, gateway text, provider_ref text, gateway_status text, amount numeric, currency text,
    product_ref text, product_name text, visitor text, raw_user jsonb, occurred_at timestamptz,
    request text, charge_number int default null
) returns text []
language plpgsql
set search_path = ''
as $$
declare
  company uuid;
  m tracking.status_mappings;
  purchase_pk bigint;
  flags text [] := '{}'::text [];
  clean_visitor text := case when visitor ~ '^[A-Za-z0-9_.-]{8,64}$' then visitor end;
  happened text;
begin
  select i.company_id into company from tracking.inbound i where i.id = inbound_pk;
  m := tracking.status_mapping(company, gateway, gateway_status);
  if m.id is null then
    flags := array['unknown_status'];
  end if;
  if m.meta_event is not null then
    happened := case when charge_number > 1 then 'renewal'
                     when m.sale_effect in ('refund', 'chargeback') then 'refund' else 'checkout' end;
    select r.event_pk into purchase_pk from tracking.record_event(
      company, inbound_pk, gateway, provider_ref, m.meta_event, occurred_at,
      case when happened <> 'checkout' then tracking.sale_action_source(happened, null) end, null, raw_user,
      pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'value', amount, 'currency', coalesce(currency, 'BRL'), 'order_id', provider_ref,
        'content_name', product_name,
        'content_ids', case when product_ref is not null then pg_catalog.jsonb_build_array(product_ref) end,
        'content_type', case when product_ref is not null then 'product' end)),
      clean_visitor, null, request) r;
  end if;
  perform tracking.upsert_sale(
    company, gateway, provider_ref, gateway_status, coalesce(m.sale_effect, 'none'), amount, currency,
    product_ref, product_name, clean_visitor,
    pg_catalog.jsonb_build_object('em', tracking.hash_user_field('em', raw_user ->> 'em'),
                                  'ph', tracking.hash_user_field('ph', raw_user ->> 'ph')),
    occurred_at, case when m.meta_event = 'Purchase' then purchase_pk end);
  return flags;
end
$$;
revoke all on function tracking.record_sale(bigint,text,text,text,numeric,text,text,text,text,jsonb,timestamp with time zone,text,integer) from public, anon, authenticated, service_role, looker_reader;
