-- Mercado Pago: the notification is stored first; the worker fetches the payment and calls this.
create or replace function tracking.process_mercadopago(inbound_pk bigint, payment jsonb) returns text []
language plpgsql
set search_path = ''
as $$
declare
  p jsonb := coalesce(payment, '{}'::jsonb);
  payer jsonb := coalesce(payment -> 'payer', '{}'::jsonb);
  phone text;
begin
  if p ->> 'id' is null or p ->> 'status' is null then
    raise exception 'payment without id or status' using errcode = '22023';
  end if;
  if coalesce(payer -> 'phone' ->> 'number', '') <> '' then
    phone := coalesce(payer -> 'phone' ->> 'area_code', '') || (payer -> 'phone' ->> 'number');
  end if;
  update tracking.inbound i set body = i.body || pg_catalog.jsonb_build_object('payment', p)
  where i.id = inbound_pk;
  return tracking.record_sale(
    inbound_pk, 'mercadopago', p ->> 'id', p ->> 'status',
    case when p ->> 'transaction_amount' ~ '^[0-9]+(\.[0-9]+)?$' then (p ->> 'transaction_amount')::numeric end,
    p ->> 'currency_id', p ->> 'external_reference', p ->> 'description',
    coalesce(p -> 'metadata' ->> 'visitor_id', p -> 'metadata' ->> 'src', p ->> 'external_reference'),
    pg_catalog.jsonb_build_object(
      'em', payer ->> 'email', 'ph', phone, 'fn', payer ->> 'first_name', 'ln', payer ->> 'last_name',
      -- a Brazilian document only when its check digits are right (tracking.tax_id_if_valid); another
      -- country's document (DNI, CUIT, RUT ...) as sent
      'external_id', case
        when pg_catalog.upper(coalesce(btrim(payer -> 'identification' ->> 'type'), '')) in ('', 'CPF', 'CNPJ')
          then tracking.tax_id_if_valid(payer -> 'identification' ->> 'number')
        else payer -> 'identification' ->> 'number'
      end,
      'client_ip_address', p -> 'additional_info' ->> 'ip_address'),
    coalesce((p ->> 'date_approved')::timestamptz, (p ->> 'date_created')::timestamptz),
    (select i.request_id from tracking.inbound i where i.id = inbound_pk));
end
$$;
revoke all on function tracking.process_mercadopago(bigint,jsonb) from public, anon, authenticated, service_role, looker_reader;
