-- The cheap checks made before a Perfect Pay postback is acknowledged: a field that would certainly make
-- processing fail or send Meta an event it refuses. Returns {field, message} for the first one, or null.
-- (The postback is still stored raw; tracking.ingest_webhook_batch answers 422 naming the field.)
create or replace function tracking.perfectpay_field_problem(b jsonb) returns jsonb
language plpgsql stable
set search_path = ''
as $$
begin
  -- plpgsql: its currency lookup is planned once per session (a SQL function's, on every call)
  if b ? 'sale_amount' and b -> 'sale_amount' <> 'null'::jsonb
     and not coalesce(b ->> 'sale_amount' ~ '^[0-9]{1,12}(\.[0-9]{1,6})?$', false) then
    return pg_catalog.jsonb_build_object('field', 'sale_amount', 'message',
      'sale_amount must be a positive number below 10^12 written with a decimal point, like 197.90');
  end if;
  -- BRL, nearly every sale, without a lookup: a condition of its own, which plpgsql evaluates as an
  -- expression, where one holding the subquery would run a query on every call
  if coalesce(b ->> 'currency_enum_key', '') not in ('', 'BRL') then
    if not exists (select 1 from tracking.currencies as c where c.code = pg_catalog.upper(b ->> 'currency_enum_key')) then
      return pg_catalog.jsonb_build_object('field', 'currency_enum_key', 'message',
        'currency_enum_key must be an ISO 4217 currency code, like BRL');
    end if;
  end if;
  return null;
end
$$;
comment on function tracking.perfectpay_field_problem(jsonb) is
'The first field of a Perfect Pay postback that will certainly fail ({field, message}), or null.';
revoke all on function tracking.perfectpay_field_problem(jsonb) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.perfectpay_field_problem(jsonb) to service_role;
