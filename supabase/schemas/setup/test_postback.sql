-- The Perfect Pay postback the test_event step sends through the tenant's public webhook (the shape
-- of gateways.md §1.9): the same for every attempt, so a retry is a duplicate, never a second sale.
create or replace function setup.test_postback(session uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  select pg_catalog.jsonb_build_object(
    'code', 'PPTEST' || pg_catalog.upper(pg_catalog.substr(pg_catalog.replace(s.id::text, '-', ''), 1, 12)),
    'sale_amount', 1.0, 'currency_enum', 1, 'currency_enum_key', 'BRL',
    'payment_type_enum', 4, 'payment_type_enum_key', 'pix',
    'sale_status_enum', 2, 'sale_status_detail', 'approved',
    'date_created', pg_catalog.to_char(app.now() at time zone 'America/Sao_Paulo', 'YYYY-MM-DD HH24:MI:SS'),
    'date_approved', pg_catalog.to_char(app.now() at time zone 'America/Sao_Paulo', 'YYYY-MM-DD HH24:MI:SS'),
    'product', pg_catalog.jsonb_build_object('code', 'PPTRACKAI', 'name', 'Track AI test event'),
    'customer', pg_catalog.jsonb_build_object(
      'customer_type_enum', 1, 'full_name', 'Teste Track AI',
      'email', 'teste+' || pg_catalog.substr(s.id::text, 1, 8) || '@trackai.com.br',
      'phone_area_code', '11', 'phone_number', '999990000', 'country', 'BR'),
    'metadata', pg_catalog.jsonb_build_object('utm_source', 'trackai-setup'))
  from setup.sessions s where s.id = session
$$;
revoke all on function setup.test_postback(uuid) from public, anon, authenticated, service_role, looker_reader;
grant execute on function setup.test_postback(uuid) to service_role;
