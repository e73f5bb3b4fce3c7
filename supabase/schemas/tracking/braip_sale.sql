-- Braip's adapter (gateways_br.md §5): flat trans_* / client_* fields. The status is trans_status_code
-- (1 pending, 2 approved, 11 scheduled); other codes are not documented, so the trans_status text is
-- read instead ("Pagamento Aprovado" -> pagamento_aprovado). An abandoned cart is type ABANDONO. Numbers
-- come as numbers or strings; the amount trans_total_value (else trans_value) in cents; dates
-- "YYYY-MM-DD HH:mm:ss", Brasília time [NÃO CONFIRMADO]; the phone "55 11988887777". meta is the
-- checkout URL's query: the visitor id comes back in meta.src, and meta.fbclid becomes fbc.
create or replace function tracking.braip_sale(i tracking.inbound, identify_only boolean default false)
returns tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
declare
  b jsonb := i.body;
  m jsonb := coalesce(i.body -> 'meta', '{}'::jsonb);
  code text := b ->> 'trans_status_code';
  cart boolean := pg_catalog.upper(b ->> 'type') = 'ABANDONO';
  status text := case
    when cart then 'abandono'
    when code in ('1', '2', '11') then code
    else nullif(pg_catalog.regexp_replace(pg_catalog.lower(btrim(coalesce(b ->> 'trans_status', ''))), '\s+', '_', 'g'), '')
  end;
  amount_field text := case when b ? 'trans_total_value' then 'trans_total_value' else 'trans_value' end;
  amount numeric := tracking.parse_amount(b -> amount_field, 'cents');
  at_time timestamptz := coalesce(tracking.parse_time(b -> 'trans_payment_date', 'brt'),
                                  tracking.parse_time(b -> 'trans_createdate', 'brt'));
  ref text := case when not cart then nullif(b ->> 'trans_key', '') end;
  problem jsonb;
begin
  if status is null then
    problem := pg_catalog.jsonb_build_object('field', 'trans_status_code',
      'message', 'a Braip postback needs trans_status_code or trans_status', 'code', 'missing_fields');
  elsif not cart and coalesce(b ->> 'trans_key', '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'trans_key', 'message', 'a Braip sale needs trans_key', 'code', 'missing_fields');
  elsif coalesce(b ->> amount_field, '') <> '' and amount is null then
    problem := pg_catalog.jsonb_build_object('field', amount_field,
      'message', amount_field || ' must be an integer number of cents, like 23790');
  elsif coalesce(b ->> 'trans_payment_date', b ->> 'trans_createdate', '') <> '' and at_time is null then
    problem := pg_catalog.jsonb_build_object('field', 'trans_createdate',
      'message', 'trans_createdate must be a date like 2024-05-29 17:56:06');
  end if;
  if identify_only then  -- the API's check
    return tracking.sale_identity(i, ref, status, false, problem);
  end if;
  return row(
    i.id, i.company_id, 'braip', ref, status, amount,
    pg_catalog.upper(coalesce(nullif(b ->> 'currency', ''), 'BRL')), b ->> 'plan_key', b ->> 'product_name',
    coalesce(nullif(m ->> 'src', ''), nullif(m ->> 'sck', '')),
    pg_catalog.jsonb_build_object(
      'em', b ->> 'client_email',
      -- "55 11988887777": the country code, a space, then the number
      'ph', case when b ->> 'client_cel' ~ '^\s*[0-9]{1,3}\s+[0-9]' then '+' || btrim(b ->> 'client_cel') else b ->> 'client_cel' end,
      'fn', pg_catalog.split_part(btrim(b ->> 'client_name'), ' ', 1),
      'ln', pg_catalog.substring(btrim(b ->> 'client_name'), '\s(\S+)$'),
      'external_id', tracking.tax_id_if_valid(coalesce(b ->> 'client_documment', b ->> 'client_document')),
      'ct', b ->> 'client_address_city', 'st', b ->> 'client_address_state', 'zp', b ->> 'client_zip_code',
      'country', b ->> 'client_address_country', 'fbclid', m ->> 'fbclid', 'fbc', m ->> 'fbc', 'fbp', m ->> 'fbp'),
    at_time, i.request_id, null, false, problem
  )::tracking.sale_input;
end
$$;
revoke all on function tracking.braip_sale(tracking.inbound, boolean) from public, anon, authenticated, service_role, looker_reader;
