-- Perfect Pay's adapter: a stored postback (gateways.md §1) as the common sale shape; its problem is a
-- missing code or status, and, for the API's check (identify_only), the first field that will certainly
-- fail (tracking.perfectpay_field_problem; the worker lets the gate judge it), answered with
-- tracking.sale_identity. plpgsql of simple expressions: it runs once per postback, and a SQL function's
-- query would cost more than the work.
create or replace function tracking.perfectpay_sale(i tracking.inbound, identify_only boolean default false)
returns tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
declare
  b jsonb := i.body;
  c jsonb;
  name_parts text [];
  calling_code text;
  phone text;
  problem jsonb;
begin
  if coalesce(b ->> 'code', '') = '' or b ->> 'sale_status_enum' is null then
    problem := pg_catalog.jsonb_build_object('field', case when coalesce(b ->> 'code', '') = '' then 'code' else 'sale_status_enum' end,
      'message', 'a Perfect Pay postback needs code and sale_status_enum', 'code', 'missing_fields');
  elsif identify_only then  -- the API's check; the worker lets the gate judge such a field
    problem := tracking.perfectpay_field_problem(b);
  end if;
  if identify_only then
    return tracking.sale_identity(i, b ->> 'code', tracking.perfectpay_status(b), false, problem);
  end if;
  -- the buyer's fields: only processing needs them
  c := coalesce(b -> 'customer', '{}'::jsonb);
  name_parts := pg_catalog.regexp_split_to_array(btrim(coalesce(c ->> 'full_name', '')), '\s+');
  -- phone_extension is the country calling code ("55", "34", "351"): the number goes on as
  -- "+<code> <area code><number>", which tracking.normalize_phone keeps as given; without a code the
  -- number is Brazilian only when it is a valid Brazilian one (55 is added there, nowhere else)
  calling_code := pg_catalog.ltrim(
    pg_catalog.regexp_replace(coalesce(c ->> 'phone_extension', ''), '[^0-9]', '', 'g'), '0');
  if coalesce(c ->> 'phone_number', '') <> '' then
    phone := case when calling_code ~ '^[1-9][0-9]{0,2}$' then '+' || calling_code || ' ' else '' end
             || coalesce(c ->> 'phone_area_code', '') || (c ->> 'phone_number');
  end if;
  return row(
    i.id, i.company_id, 'perfectpay', b ->> 'code', tracking.perfectpay_status(b),
    case when b ->> 'sale_amount' ~ '^[0-9]+(\.[0-9]+)?$' then (b ->> 'sale_amount')::numeric end,
    coalesce(nullif(b ->> 'currency_enum_key', ''),
             case b ->> 'currency_enum' when '2' then 'USD' when '3' then 'EUR' else 'BRL' end),
    b -> 'product' ->> 'code', b -> 'product' ->> 'name', b -> 'metadata' ->> 'src',
    pg_catalog.jsonb_build_object(
      'em', c ->> 'email', 'ph', phone, 'fn', name_parts [1],
      'ln', case when pg_catalog.array_length(name_parts, 1) > 1
                 then name_parts [pg_catalog.array_length(name_parts, 1)] end,
      'external_id', tracking.tax_id_if_valid(c ->> 'identification_number'),
      'db', coalesce(c ->> 'birthday', c ->> 'date_birth'),
      'ct', c ->> 'city', 'st', c ->> 'state', 'zp', c ->> 'zip_code', 'country', c ->> 'country',
      'client_ip_address', c ->> 'ip', 'client_user_agent', c ->> 'user_agent'),
    coalesce(tracking.parse_time(b -> 'date_approved', 'brt'), tracking.parse_time(b -> 'date_created', 'brt')),
    i.request_id,
    -- a subscription's charge number (above 1: an automatic renewal)
    case when b -> 'subscription' ->> 'charges_made' ~ '^[0-9]{1,6}$'
         then (b -> 'subscription' ->> 'charges_made')::int end,
    false, problem
  )::tracking.sale_input;
end
$$;
revoke all on function tracking.perfectpay_sale(tracking.inbound, boolean) from public, anon, authenticated, service_role, looker_reader;
