-- Kiwify's adapter (gateways_br.md §2): the order is the whole body, or {"order": ...} as some receivers
-- report (both read). The status is webhook_event_type (an abandoned cart has none: cart_abandoned); the
-- amount Commissions.charge_amount in cents; dates "YYYY-MM-DD HH:mm" in Brasília time; the phone E.164
-- with "+". The visitor id comes back in TrackingParameters.sck or .src. The panel's test sends the
-- fixed "John Doe" / johndoe@example.com payload, properly signed: a test.
create or replace function tracking.kiwify_sale(i tracking.inbound, identify_only boolean default false)
returns tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
declare
  o jsonb := coalesce(i.body -> 'order', i.body -> 'cart', i.body);
  c jsonb := coalesce(o -> 'Customer', o -> 'customer', '{}'::jsonb);
  track jsonb := coalesce(o -> 'TrackingParameters', '{}'::jsonb);
  cart boolean := o ->> 'webhook_event_type' is null and (i.body ? 'cart' or o ->> 'status' = 'abandoned');
  status text := case when cart then 'cart_abandoned' else pg_catalog.lower(o ->> 'webhook_event_type') end;
  amount numeric := tracking.parse_amount(o -> 'Commissions' -> 'charge_amount', 'cents');
  at_time timestamptz := coalesce(tracking.parse_time(o -> 'approved_date', 'brt'),
                                  tracking.parse_time(o -> 'created_at', 'brt'));
  ref text := case when not cart then nullif(o ->> 'order_id', '') end;
  test boolean := coalesce(pg_catalog.lower(c ->> 'email') = 'johndoe@example.com' and c ->> 'full_name' = 'John Doe', false);
  problem jsonb;
begin
  if coalesce(status, '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'webhook_event_type',
      'message', 'a Kiwify notification needs webhook_event_type', 'code', 'missing_fields');
  elsif not cart and coalesce(o ->> 'order_id', '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'order_id', 'message', 'a Kiwify order needs order_id', 'code', 'missing_fields');
  elsif o -> 'Commissions' -> 'charge_amount' is not null and amount is null then
    problem := pg_catalog.jsonb_build_object('field', 'Commissions.charge_amount',
      'message', 'Commissions.charge_amount must be an integer number of cents, like 19790');
  elsif coalesce(o ->> 'approved_date', o ->> 'created_at') is not null and at_time is null then
    problem := pg_catalog.jsonb_build_object('field', 'approved_date',
      'message', 'approved_date must be a date like 2026-06-08 11:53 (Brasília time)');
  end if;
  if identify_only then  -- the API's check
    return tracking.sale_identity(i, ref, status, test, problem);
  end if;
  return row(
    i.id, i.company_id, 'kiwify', ref, status, amount,
    pg_catalog.upper(coalesce(nullif(o -> 'Commissions' ->> 'currency', ''),
                              nullif(o -> 'Commissions' ->> 'product_base_price_currency', ''), 'BRL')),
    o -> 'Product' ->> 'product_id', o -> 'Product' ->> 'product_name',
    coalesce(nullif(track ->> 'sck', ''), nullif(track ->> 'src', '')),
    pg_catalog.jsonb_build_object(
      'em', c ->> 'email', 'ph', c ->> 'mobile',
      'fn', coalesce(c ->> 'first_name', pg_catalog.split_part(btrim(c ->> 'full_name'), ' ', 1)),
      'ln', pg_catalog.substring(btrim(c ->> 'full_name'), '\s(\S+)$'),
      'external_id', tracking.tax_id_if_valid(coalesce(c ->> 'CPF', c ->> 'cnpj')),
      'ct', c ->> 'city', 'st', c ->> 'state', 'zp', c ->> 'zipcode', 'country', c ->> 'country',
      'client_ip_address', c ->> 'ip'),
    at_time, i.request_id,
    -- a renewal is a new paid charge of the subscription: its charge number is how many were paid
    case when status = 'subscription_renewed'
         then greatest(pg_catalog.jsonb_array_length(coalesce(o -> 'Subscription' -> 'charges' -> 'completed', '[]')), 2) end,
    test, problem
  )::tracking.sale_input;
end
$$;
revoke all on function tracking.kiwify_sale(tracking.inbound, boolean) from public, anon, authenticated, service_role, looker_reader;
