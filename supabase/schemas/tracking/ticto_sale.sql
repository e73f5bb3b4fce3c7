-- Ticto's adapter (gateways_br.md §7, webhook v2.0): the status is status (authorized = paid); the amount
-- order.paid_amount in cents; dates "YYYY-MM-DD HH:MM:SS", Brasília time [NÃO CONFIRMADO]; the phone
-- split in ddi / ddd / number. Missing tracking values are the text "Não Informado". The visitor id
-- comes back in tracking.src (or .sck); query_params may carry fbc / fbp.
create or replace function tracking.ticto_sale(i tracking.inbound, identify_only boolean default false)
returns tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
declare
  b jsonb := i.body;
  o jsonb := coalesce(i.body -> 'order', '{}'::jsonb);
  c jsonb := coalesce(i.body -> 'customer', '{}'::jsonb);
  t jsonb := coalesce(i.body -> 'tracking', '{}'::jsonb);
  q jsonb := coalesce(i.body -> 'query_params', '{}'::jsonb);
  status text := pg_catalog.lower(b ->> 'status');
  cart boolean := status = 'abandoned_cart';
  amount numeric := tracking.parse_amount(coalesce(o -> 'paid_amount', b -> 'item' -> 'amount'), 'cents');
  at_time timestamptz := coalesce(tracking.parse_time(b -> 'status_date', 'brt'), tracking.parse_time(o -> 'order_date', 'brt'));
  ref text := case when not cart then nullif(o ->> 'hash', '') end;
  problem jsonb;
begin
  if coalesce(status, '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'status', 'message', 'a Ticto notification needs status', 'code', 'missing_fields');
  elsif not cart and coalesce(o ->> 'hash', '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'order.hash', 'message', 'a Ticto order needs order.hash', 'code', 'missing_fields');
  elsif coalesce(o ->> 'paid_amount', '') <> '' and amount is null then
    problem := pg_catalog.jsonb_build_object('field', 'order.paid_amount',
      'message', 'order.paid_amount must be an integer number of cents, like 3990');
  elsif coalesce(b ->> 'status_date', '') <> '' and at_time is null then
    problem := pg_catalog.jsonb_build_object('field', 'status_date',
      'message', 'status_date must be a date like 2024-02-10 19:19:17');
  end if;
  if identify_only then  -- the API's check
    return tracking.sale_identity(i, ref, status, false, problem);
  end if;
  return row(
    i.id, i.company_id, 'ticto', ref, status, amount, 'BRL',
    b -> 'item' ->> 'product_id', b -> 'item' ->> 'product_name',
    coalesce(nullif(nullif(t ->> 'src', ''), 'Não Informado'), nullif(nullif(t ->> 'sck', ''), 'Não Informado')),
    pg_catalog.jsonb_build_object(
      'em', c ->> 'email',
      'ph', case when coalesce(c -> 'phone' ->> 'number', '') <> ''
                 then coalesce(c -> 'phone' ->> 'ddi', '') || ' ' || coalesce(c -> 'phone' ->> 'ddd', '')
                      || (c -> 'phone' ->> 'number') end,
      'fn', pg_catalog.split_part(btrim(c ->> 'name'), ' ', 1),
      'ln', pg_catalog.substring(btrim(c ->> 'name'), '\s(\S+)$'),
      'external_id', tracking.tax_id_if_valid(coalesce(c ->> 'cpf', c ->> 'cnpj')),
      'ct', c -> 'address' ->> 'city', 'st', c -> 'address' ->> 'state', 'zp', c -> 'address' ->> 'zip_code',
      'country', case when c ->> 'is_foreign' = 'false' then 'BR' end,
      'fbc', q ->> 'fbc', 'fbp', q ->> 'fbp'),
    at_time, i.request_id, null, false, problem
  )::tracking.sale_input;
end
$$;
revoke all on function tracking.ticto_sale(tracking.inbound, boolean) from public, anon, authenticated, service_role, looker_reader;
