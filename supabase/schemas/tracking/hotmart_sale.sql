-- Hotmart's adapter (gateways_br.md §1, webhook version 2.0.0): a stored notification as the common sale
-- shape. The status is the event (PURCHASE_APPROVED -> purchase_approved); the amount a decimal in
-- currency units (purchase.price.value, in price.currency_value); dates epoch milliseconds. The phone has
-- no country code and checkout_phone already holds the area code (never joined to checkout_phone_code).
-- The visitor id comes back in purchase.origin.xcod or .sck (the snippet puts it in both). The "Test"
-- button's fixed payload (product id 0) is a test.
create or replace function tracking.hotmart_sale(i tracking.inbound, identify_only boolean default false)
returns tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
declare
  d jsonb := coalesce(i.body -> 'data', '{}'::jsonb);
  p jsonb := coalesce(i.body -> 'data' -> 'purchase', '{}'::jsonb);
  buyer jsonb := coalesce(i.body -> 'data' -> 'buyer', '{}'::jsonb);
  status text := pg_catalog.lower(i.body ->> 'event');
  amount numeric := tracking.parse_amount(p -> 'price' -> 'value', 'decimal');
  at_time timestamptz := coalesce(tracking.parse_time(p -> 'approved_date', 'epoch_ms'),
                                  tracking.parse_time(p -> 'order_date', 'epoch_ms'),
                                  tracking.parse_time(i.body -> 'creation_date', 'epoch_ms'));
  origin jsonb := coalesce(p -> 'origin', '{}'::jsonb);
  ref text := nullif(p ->> 'transaction', '');
  test boolean := coalesce(d -> 'product' ->> 'id' = '0', false);
  problem jsonb;
begin
  if coalesce(status, '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'event', 'message', 'a Hotmart notification needs its event', 'code', 'missing_fields');
  elsif status <> 'purchase_out_of_shopping_cart' and coalesce(p ->> 'transaction', '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'data.purchase.transaction',
      'message', 'a Hotmart purchase notification needs data.purchase.transaction', 'code', 'missing_fields');
  elsif p -> 'price' -> 'value' is not null and amount is null then
    problem := pg_catalog.jsonb_build_object('field', 'data.purchase.price.value',
      'message', 'data.purchase.price.value must be a number in currency units, like 97.5');
  end if;
  if identify_only then  -- the API's check
    return tracking.sale_identity(i, ref, status, test, problem);
  end if;
  return row(
    i.id, i.company_id, 'hotmart', ref, status, amount,
    pg_catalog.upper(coalesce(nullif(p -> 'price' ->> 'currency_value', ''), 'BRL')),
    coalesce(d -> 'product' ->> 'ucode', d -> 'product' ->> 'id'), d -> 'product' ->> 'name',
    coalesce(nullif(origin ->> 'xcod', ''), nullif(origin ->> 'sck', '')),
    pg_catalog.jsonb_build_object(
      'em', buyer ->> 'email', 'ph', buyer ->> 'checkout_phone',
      'fn', coalesce(buyer ->> 'first_name', pg_catalog.split_part(btrim(buyer ->> 'name'), ' ', 1)),
      'ln', coalesce(buyer ->> 'last_name', pg_catalog.substring(btrim(buyer ->> 'name'), '\s(\S+)$')),
      'external_id', tracking.tax_id_if_valid(buyer ->> 'document'),
      'ct', buyer -> 'address' ->> 'city', 'st', buyer -> 'address' ->> 'state',
      'zp', buyer -> 'address' ->> 'zipcode',
      'country', coalesce(buyer -> 'address' ->> 'country_iso', p -> 'checkout_country' ->> 'iso'),
      'client_ip_address', p ->> 'buyer_ip'),
    at_time, i.request_id,
    case when p ->> 'recurrence_number' ~ '^[0-9]{1,6}$' then (p ->> 'recurrence_number')::int end,
    test, problem
  )::tracking.sale_input;
end
$$;
revoke all on function tracking.hotmart_sale(tracking.inbound, boolean) from public, anon, authenticated, service_role, looker_reader;
