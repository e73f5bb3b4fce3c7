-- The Utmify "send orders" format (gateways_br.md §8), posted to /api/v1/orders: the status is status;
-- the amount commission.totalPriceInCents (else the products' priceInCents times quantity) in cents, in
-- commission.currency (BRL when absent); dates "YYYY-MM-DD HH:MM:SS" in UTC. isTest marks a test. The
-- visitor id comes back in trackingParameters.src (or .sck).
create or replace function tracking.utmify_sale(i tracking.inbound, identify_only boolean default false)
returns tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
declare
  b jsonb := i.body;
  c jsonb := coalesce(i.body -> 'customer', '{}'::jsonb);
  t jsonb := coalesce(i.body -> 'trackingParameters', '{}'::jsonb);
  status text := pg_catalog.lower(b ->> 'status');
  cents jsonb := coalesce(b -> 'commission' -> 'totalPriceInCents', (
    select pg_catalog.to_jsonb(sum((p ->> 'priceInCents')::bigint * coalesce((p ->> 'quantity')::int, 1)))
    from pg_catalog.jsonb_array_elements(case when pg_catalog.jsonb_typeof(b -> 'products') = 'array'
                                              then b -> 'products' else '[]' end) as p
    where p ->> 'priceInCents' ~ '^[0-9]{1,12}$' and coalesce(p ->> 'quantity', '1') ~ '^[0-9]{1,6}$'));
  amount numeric := tracking.parse_amount(cents, 'cents');
  at_time timestamptz := coalesce(tracking.parse_time(b -> 'approvedDate', 'utc'), tracking.parse_time(b -> 'createdAt', 'utc'));
  ref text := nullif(b ->> 'orderId', '');
  test boolean := coalesce(b -> 'isTest' = 'true'::jsonb, false);
  problem jsonb;
begin
  if coalesce(b ->> 'orderId', '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'orderId', 'message', 'an order needs orderId', 'code', 'missing_fields');
  elsif coalesce(status, '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'status',
      'message', 'status must be one of waiting_payment, paid, refused, refunded, chargedback');
  elsif cents is not null and amount is null then
    problem := pg_catalog.jsonb_build_object('field', 'commission.totalPriceInCents',
      'message', 'commission.totalPriceInCents must be an integer number of cents, like 10000');
  elsif coalesce(b ->> 'createdAt', '') = '' or at_time is null then
    problem := pg_catalog.jsonb_build_object('field', 'createdAt',
      'message', 'createdAt must be a UTC date like 2024-07-26 14:35:13');
  elsif coalesce(b -> 'commission' ->> 'currency', 'BRL') !~ '^[A-Za-z]{3}$' then
    problem := pg_catalog.jsonb_build_object('field', 'commission.currency',
      'message', 'commission.currency must be an ISO 4217 code, like BRL');
  end if;
  if identify_only then  -- the API's check
    return tracking.sale_identity(i, ref, status, test, problem);
  end if;
  return row(
    i.id, i.company_id, 'utmify', ref, status, amount,
    pg_catalog.upper(coalesce(nullif(b -> 'commission' ->> 'currency', ''), 'BRL')),
    b -> 'products' -> 0 ->> 'id', b -> 'products' -> 0 ->> 'name',
    coalesce(nullif(t ->> 'src', ''), nullif(t ->> 'sck', '')),
    pg_catalog.jsonb_build_object(
      'em', c ->> 'email', 'ph', c ->> 'phone',
      'fn', pg_catalog.split_part(btrim(c ->> 'name'), ' ', 1),
      'ln', pg_catalog.substring(btrim(c ->> 'name'), '\s(\S+)$'),
      'external_id', tracking.tax_id_if_valid(c ->> 'document'), 'country', c ->> 'country',
      'client_ip_address', c ->> 'ip'),
    at_time, i.request_id, null, test, problem
  )::tracking.sale_input;
end
$$;
revoke all on function tracking.utmify_sale(tracking.inbound, boolean) from public, anon, authenticated, service_role, looker_reader;
