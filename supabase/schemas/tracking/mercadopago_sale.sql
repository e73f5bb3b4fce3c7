-- Mercado Pago's adapter: a notification's payment, as the worker fetched it into the stored body's
-- "payment" (gateways.md §2), as the common sale shape.
create or replace function tracking.mercadopago_sale(i tracking.inbound, identify_only boolean default false)
returns tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
declare
  p jsonb := coalesce(i.body -> 'payment', '{}'::jsonb);
  payer jsonb := coalesce(i.body -> 'payment' -> 'payer', '{}'::jsonb);
  phone text;
begin
  if p ->> 'id' is null or p ->> 'status' is null then
    raise exception 'payment without id or status' using errcode = '22023';
  end if;
  if coalesce(payer -> 'phone' ->> 'number', '') <> '' then
    phone := coalesce(payer -> 'phone' ->> 'area_code', '') || (payer -> 'phone' ->> 'number');
  end if;
  return row(
    i.id, i.company_id, 'mercadopago', p ->> 'id', p ->> 'status',
    case when p ->> 'transaction_amount' ~ '^[0-9]+(\.[0-9]+)?$' then (p ->> 'transaction_amount')::numeric end,
    p ->> 'currency_id', p ->> 'external_reference', p ->> 'description',
    coalesce(p -> 'metadata' ->> 'visitor_id', p -> 'metadata' ->> 'src', p ->> 'external_reference'),
    case when not identify_only then pg_catalog.jsonb_build_object(
      'em', payer ->> 'email', 'ph', phone, 'fn', payer ->> 'first_name', 'ln', payer ->> 'last_name',
      -- a Brazilian document only when its check digits are right (tracking.tax_id_if_valid); another
      -- country's document (DNI, CUIT, RUT ...) as sent
      'external_id', case
        when pg_catalog.upper(coalesce(btrim(payer -> 'identification' ->> 'type'), '')) in ('', 'CPF', 'CNPJ')
          then tracking.tax_id_if_valid(payer -> 'identification' ->> 'number')
        else payer -> 'identification' ->> 'number'
      end,
      'client_ip_address', p -> 'additional_info' ->> 'ip_address') end,
    coalesce((p ->> 'date_approved')::timestamptz, (p ->> 'date_created')::timestamptz),
    i.request_id, null, false, null)::tracking.sale_input;
end
$$;
revoke all on function tracking.mercadopago_sale(tracking.inbound, boolean) from public, anon, authenticated, service_role, looker_reader;
