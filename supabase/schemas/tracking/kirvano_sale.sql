-- Kirvano's adapter (gateways_br.md §6): the status is the event (SALE_APPROVED -> sale_approved); the
-- amount total_price formatted like "R$ 169,80" (order bumps included); dates "YYYY-MM-DD HH:mm:ss",
-- Brasília time [NÃO CONFIRMADO]; the phone with its country code. The visitor id comes back in utm.src
-- (or utm.sck); cookies.fbp is forwarded.
create or replace function tracking.kirvano_sale(i tracking.inbound, identify_only boolean default false)
returns tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
declare
  b jsonb := i.body;
  c jsonb := coalesce(i.body -> 'customer', '{}'::jsonb);
  u jsonb := coalesce(i.body -> 'utm', '{}'::jsonb);
  status text := pg_catalog.lower(b ->> 'event');
  cart boolean := status = 'abandoned_cart';
  amount numeric := tracking.parse_amount(b -> 'total_price', 'brl');
  at_time timestamptz := coalesce(tracking.parse_time(b -> 'payment' -> 'finished_at', 'brt'),
                                  tracking.parse_time(b -> 'created_at', 'brt'));
  ref text := case when not cart then nullif(b ->> 'sale_id', '') end;
  problem jsonb;
begin
  if coalesce(status, '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'event', 'message', 'a Kirvano notification needs its event', 'code', 'missing_fields');
  elsif not cart and coalesce(b ->> 'sale_id', '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'sale_id', 'message', 'a Kirvano sale needs sale_id', 'code', 'missing_fields');
  elsif coalesce(b ->> 'total_price', '') <> '' and amount is null then
    problem := pg_catalog.jsonb_build_object('field', 'total_price',
      'message', 'total_price must be an amount like "R$ 1.234,56"');
  elsif coalesce(b ->> 'created_at', '') <> '' and at_time is null then
    problem := pg_catalog.jsonb_build_object('field', 'created_at',
      'message', 'created_at must be a date like 2023-12-18 16:40:06');
  end if;
  if identify_only then  -- the API's check
    return tracking.sale_identity(i, ref, status, false, problem);
  end if;
  return row(
    i.id, i.company_id, 'kirvano', ref, status, amount, 'BRL',
    b -> 'products' -> 0 ->> 'id', b -> 'products' -> 0 ->> 'name',
    coalesce(nullif(u ->> 'src', ''), nullif(u ->> 'sck', '')),
    pg_catalog.jsonb_build_object(
      'em', c ->> 'email',
      'ph', case when c ->> 'phone_number' ~ '^55[0-9]{10,11}$' then '+' || (c ->> 'phone_number') else c ->> 'phone_number' end,
      'fn', pg_catalog.split_part(btrim(c ->> 'name'), ' ', 1),
      'ln', pg_catalog.substring(btrim(c ->> 'name'), '\s(\S+)$'),
      'external_id', tracking.tax_id_if_valid(c ->> 'document'),
      'ct', c -> 'address' ->> 'city', 'st', c -> 'address' ->> 'province', 'zp', c -> 'address' ->> 'zip',
      'country', c -> 'address' ->> 'country_code',
      'client_ip_address', coalesce(c ->> 'ip', b ->> 'ip'), 'fbp', b -> 'cookies' ->> 'fbp'),
    at_time, i.request_id, null, false, problem
  )::tracking.sale_input;
end
$$;
revoke all on function tracking.kirvano_sale(tracking.inbound, boolean) from public, anon, authenticated, service_role, looker_reader;
