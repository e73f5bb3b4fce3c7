-- Eduzz's adapter (gateways_br.md §3, Developer Hub): envelope {id, event, data, sentDate}. The status is
-- the event without its "myeduzz." namespace; the amount data.price.value in currency units (data.paid
-- when there is no price); dates ISO 8601 UTC. Eduzz forwards no src/sck: the visitor id is read from
-- the free tracker slot data.tracker.code1, else a data.src / data.sck if Eduzz ever forwards them
-- [NÃO CONFIRMADO]. The activation "ping" is stored and flagged, never a sale.
create or replace function tracking.eduzz_sale(i tracking.inbound, identify_only boolean default false)
returns tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
declare
  d jsonb := coalesce(i.body -> 'data', '{}'::jsonb);
  buyer jsonb := coalesce(i.body -> 'data' -> 'buyer', '{}'::jsonb);
  status text := pg_catalog.regexp_replace(pg_catalog.lower(i.body ->> 'event'), '^myeduzz\.', '');
  price jsonb := coalesce(d -> 'price', d -> 'paid', '{}'::jsonb);
  amount numeric := tracking.parse_amount(price -> 'value', 'decimal');
  at_time timestamptz := coalesce(tracking.parse_time(d -> 'paidAt', 'utc'), tracking.parse_time(d -> 'createdAt', 'utc'),
                                  tracking.parse_time(i.body -> 'sentDate', 'utc'));
  sale boolean := status not in ('ping', 'cart_abandonment');
  ref text := case when sale then nullif(d ->> 'id', '') end;
  test boolean := status = 'ping';
  problem jsonb;
begin
  if coalesce(status, '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'event', 'message', 'an Eduzz notification needs its event', 'code', 'missing_fields');
  elsif sale and coalesce(d ->> 'id', '') = '' then
    problem := pg_catalog.jsonb_build_object('field', 'data.id', 'message', 'an Eduzz invoice notification needs data.id', 'code', 'missing_fields');
  elsif price -> 'value' is not null and amount is null then
    problem := pg_catalog.jsonb_build_object('field', 'data.price.value',
      'message', 'data.price.value must be a number in currency units, like 301.5');
  elsif coalesce(d ->> 'paidAt', d ->> 'createdAt') is not null and at_time is null then
    problem := pg_catalog.jsonb_build_object('field', 'data.createdAt',
      'message', 'data.createdAt must be an ISO 8601 date, like 2024-01-09T14:45:00.000Z');
  end if;
  if identify_only then  -- the API's check
    return tracking.sale_identity(i, ref, status, test, problem);
  end if;
  return row(
    i.id, i.company_id, 'eduzz', ref, status, amount,
    pg_catalog.upper(coalesce(nullif(price ->> 'currency', ''), 'BRL')),
    d -> 'items' -> 0 ->> 'productId', d -> 'items' -> 0 ->> 'name',
    coalesce(nullif(d -> 'tracker' ->> 'code1', ''), nullif(d ->> 'src', ''), nullif(d ->> 'sck', '')),
    pg_catalog.jsonb_build_object(
      'em', buyer ->> 'email', 'ph', coalesce(buyer ->> 'cellphone', buyer ->> 'phone', buyer ->> 'phone2'),
      'fn', pg_catalog.split_part(btrim(buyer ->> 'name'), ' ', 1),
      'ln', pg_catalog.substring(btrim(buyer ->> 'name'), '\s(\S+)$'),
      'external_id', tracking.tax_id_if_valid(buyer ->> 'document'),
      'ct', buyer -> 'address' ->> 'city', 'st', buyer -> 'address' ->> 'state',
      'zp', buyer -> 'address' ->> 'zipCode', 'country', buyer -> 'address' ->> 'country'),
    at_time, i.request_id, null, test, problem
  )::tracking.sale_input;
end
$$;
revoke all on function tracking.eduzz_sale(tracking.inbound, boolean) from public, anon, authenticated, service_role, looker_reader;
