-- Record sales' status changes, a batch at a time (one statement; each sale at most once per batch).
-- Refunds and chargebacks are never undone by a late 'approved'.
create or replace function tracking.upsert_sales(sales tracking.sale_state []) returns void
language sql
set search_path = ''
as $$
  insert into tracking.sales as s (
    company_id, gateway, provider_ref, status, sale_effect, amount, currency, product_ref, product_name,
    visitor_id, em, ph, approved_at, refunded_at, charged_back_at, refunded_amount, purchase_event_pk
  )
  select
    x.company_id, x.gateway, x.provider_ref, x.status, x.sale_effect, x.amount, coalesce(x.currency, 'BRL'),
    x.product_ref, x.product_name, x.visitor_id, x.em, x.ph,
    case when x.sale_effect = 'sale' then coalesce(x.at, app.now()) end,
    case when x.sale_effect = 'refund' then coalesce(x.at, app.now()) end,
    case when x.sale_effect = 'chargeback' then coalesce(x.at, app.now()) end,
    case when x.sale_effect in ('refund', 'chargeback') then coalesce(x.amount, 0) else 0 end,
    x.purchase_event_pk
  from pg_catalog.unnest(sales) as x
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
$$;
revoke all on function tracking.upsert_sales(tracking.sale_state []) from public, anon, authenticated, service_role, looker_reader;
