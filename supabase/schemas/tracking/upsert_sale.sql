-- Record a sale's status change. Refunds and chargebacks are never undone by a late 'approved'.
create or replace function tracking.upsert_sale(
    company uuid, gateway text, provider_ref text, gateway_status text, effect text, amount numeric,
    currency text, product_ref text, product_name text, visitor text, user_data jsonb, at timestamptz,
    purchase_event bigint
) returns bigint
language plpgsql
set search_path = ''
as $$
declare
  sale_pk bigint;
begin
  insert into tracking.sales as s (
    company_id, gateway, provider_ref, status, sale_effect, amount, currency, product_ref, product_name,
    visitor_id, em, ph, approved_at, refunded_at, charged_back_at, refunded_amount, purchase_event_pk
  ) values (
    company, gateway, provider_ref, gateway_status, effect, amount, coalesce(currency, 'BRL'),
    product_ref, product_name, visitor, user_data ->> 'em', user_data ->> 'ph',
    case when effect = 'sale' then coalesce(at, app.now()) end,
    case when effect = 'refund' then coalesce(at, app.now()) end,
    case when effect = 'chargeback' then coalesce(at, app.now()) end,
    case when effect in ('refund', 'chargeback') then coalesce(amount, 0) else 0 end,
    purchase_event
  )
  on conflict on constraint sales_company_id_gateway_provider_ref_key do update set
    status = case when s.sale_effect in ('refund', 'chargeback') and excluded.sale_effect
                       not in ('refund', 'chargeback') then s.status else excluded.status end,
    sale_effect = case when s.sale_effect in ('refund', 'chargeback') and excluded.sale_effect
                            not in ('refund', 'chargeback') then s.sale_effect else excluded.sale_effect end,
    amount = coalesce(excluded.amount, s.amount),
    approved_at = coalesce(s.approved_at, excluded.approved_at),
    refunded_at = coalesce(s.refunded_at, excluded.refunded_at),
    charged_back_at = coalesce(s.charged_back_at, excluded.charged_back_at),
    refunded_amount = greatest(s.refunded_amount, excluded.refunded_amount),
    visitor_id = coalesce(s.visitor_id, excluded.visitor_id),
    em = coalesce(s.em, excluded.em),
    ph = coalesce(s.ph, excluded.ph),
    purchase_event_pk = coalesce(s.purchase_event_pk, excluded.purchase_event_pk),
    updated_at = app.now()
  returning id into sale_pk;
  return sale_pk;
end
$$;
revoke all on function tracking.upsert_sale(uuid,text,text,text,text,numeric,text,text,text,text,jsonb,timestamp with time zone,bigint) from public, anon, authenticated, service_role, looker_reader;
