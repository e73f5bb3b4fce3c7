-- Issue 17: adding a gateway is one row of tracking.gateways, one adapter function and its status rows;
-- the ingest core is not edited. A made-up "acme" checkout is added here, inside the test's transaction:
-- the row's trigger writes tracking.adapt again, and acme notifications are then authenticated, stored,
-- answered and processed into a Purchase like any other, by the same functions.
begin;
select plan(7);

select tests.create_company('acme-co') as co \gset

create function tracking.acme_sale(i tracking.inbound, identify_only boolean default false)
returns tracking.sale_input
language plpgsql stable
set search_path = ''
as $$
begin
  return row(i.id, i.company_id, 'acme', i.body ->> 'order', pg_catalog.lower(i.body ->> 'state'),
    tracking.parse_amount(i.body -> 'cents', 'cents'), 'BRL', null, null, null,
    case when not identify_only then pg_catalog.jsonb_build_object('em', i.body ->> 'email') end,
    tracking.parse_time(i.body -> 'at', 'utc'), i.request_id, null, false,
    case when i.body ->> 'order' is null then
      pg_catalog.jsonb_build_object('field', 'order', 'message', 'an acme sale needs order', 'code', 'missing_fields') end
  )::tracking.sale_input;
end
$$;
insert into tracking.gateways (gateway, label, adapter, auth, credential_in, credential_label, secret_kind)
values ('acme', 'Acme Checkout', 'tracking.acme_sale', 'token', '{header:x-acme-token}', 'token', 'acme_token');
insert into tracking.status_mappings (gateway, gateway_status, meta_event, sale_effect)
values ('acme', 'paid', 'Purchase', 'sale');
insert into tracking.endpoints (company_id, kind, public_key, token_sha256)
values (:'co', 'acme', 'acme-key-00000001', encode(sha256('acme-secret'::bytea), 'hex'));

select matches(pg_get_functiondef('tracking.adapt(tracking.inbound,boolean)'::regprocedure),
  'when ''acme'' then return tracking\.acme_sale\(i, identify_only\)', 'the row wrote its branch into tracking.adapt');

create temp table answers as
select * from tracking.ingest_webhook_batch('acme', array['acme-key-00000001', 'acme-key-00000001', 'acme-key-00000001'],
  array[
    pg_catalog.jsonb_build_object('order', 'A-1', 'state', 'PAID', 'cents', 12345, 'email', 'a@example.com',
      'at', to_char(app.now() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS'))::text,
    '{"order": "A-2", "state": "PAID", "cents": 100}', '{"state": "PAID"}'],
  array['acme-secret', 'wrong', 'acme-secret'], array['{}', '{}', '{}']::jsonb [], array['a-1', 'a-2', 'a-3']);

select results_eq('select ord, http_status from answers order by ord', $$values (1, 200), (2, 401), (3, 422)$$,
  'accepted, refused for its token, refused for its missing order: each answered as any gateway''s');
select is((select response -> 'error' ->> 'field' from answers where ord = 3), 'order',
  'the missing field is named by the adapter');
select is((select response ->> 'event_id' from answers where ord = 1),
  tracking.derive_event_id(:'co', 'acme', 'A-1', 'Purchase'), 'the answer names the event the sale will carry');

select is((select count(*)::int from tracking.process_inbound_batch(array(
  select id from tracking.inbound where source = 'acme'))), 1, 'the worker processes it');
select results_eq(
  $$select event_name, custom_data -> 'value' from tracking.events where provider_ref = 'A-1'$$,
  $$values ('Purchase', '123.45'::jsonb)$$, 'into a Purchase at the right value');
select is((select amount from tracking.sales where gateway = 'acme' and provider_ref = 'A-1'), 123.45::numeric(14, 2),
  'and a sale');

select * from finish();
rollback;
