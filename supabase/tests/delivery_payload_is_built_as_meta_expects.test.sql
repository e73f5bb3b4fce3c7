-- delivery.build_payload: the {"data": [...]} body of meta_capi.md §1/§2, event_time in epoch seconds,
-- test_event_code from the destination (else the company's test mode), nothing Meta does not take.
begin;
select plan(11);

select tests.freeze_time('2026-11-20 12:00:00+00');
select tests.create_company('loja') as c \gset
insert into delivery.destinations (company_id, pixel_id) values (:'c', '111222333444') returning id as d \gset
insert into app.secrets (company_id, kind, key_id, ciphertext) values (:'c', 'meta_capi_token', 'k', '\x00');

select r.event_pk as e1 from tracking.record_event(:'c', null, 'api', 'o-1', 'Purchase', '2026-11-20 11:00:00+00',
  'website', 'https://loja.example.com/ok', '{"em": "a@b.com", "client_user_agent": "UA", "client_ip_address": "1.2.3.4"}',
  '{"value": 10, "currency": "BRL"}') r \gset
select r.event_pk as e2 from tracking.record_event(:'c', null, 'whatsapp', 'o-2', 'LeadSubmitted', '2026-11-20 11:30:00+00',
  'business_messaging', null, '{"ctwa_clid": "ARAkLkA", "whatsapp_business_account_id": "1234"}', '{}', null, null, null,
  '{"messaging_channel": "whatsapp", "internal_note": "do not send"}') r \gset

select delivery.build_payload(:d, array[:e2, :e1]::bigint []) as p \gset

select is(jsonb_array_length(:'p'::jsonb -> 'data'), 2, 'one element per event');
select is(:'p'::jsonb -> 'data' -> 0 ->> 'event_id',
  (select event_id from tracking.events where id = :e1), 'events in id order, with their event_id');
select is((:'p'::jsonb -> 'data' -> 0 -> 'event_time')::bigint, 1795172400::bigint, 'event_time in epoch seconds (2026-11-20 11:00 UTC)');
select is(jsonb_typeof(:'p'::jsonb -> 'data' -> 0 -> 'event_time'), 'number', 'event_time is a number');
select is(:'p'::jsonb -> 'data' -> 0 -> 'custom_data', '{"value": 10, "currency": "BRL"}'::jsonb, 'custom_data as stored');
select is(:'p'::jsonb -> 'data' -> 0 -> 'user_data' ->> 'em', encode(sha256('a@b.com'), 'hex'), 'user_data hashed');
select is(:'p'::jsonb -> 'data' -> 1 ->> 'messaging_channel', 'whatsapp', 'allowed extra keys are sent');
select ok(not (:'p'::jsonb -> 'data' -> 1 ? 'internal_note') and not (:'p'::jsonb -> 'data' -> 1 ? 'custom_data')
  and not (:'p'::jsonb -> 'data' -> 1 ? 'event_source_url'), 'other extras, empty custom_data and nulls are left out');
select ok(not (:'p'::jsonb ? 'test_event_code'), 'no test_event_code in production');

update app.companies set test_event_code = 'TEST777' where id = :'c';
select is(delivery.build_payload(:d, array[:e1]::bigint []) ->> 'test_event_code', 'TEST777',
  'the company''s test mode adds its test_event_code');
update delivery.destinations set test_event_code = 'TEST888' where id = :d;
select is(delivery.build_payload(:d, array[:e1]::bigint []) ->> 'test_event_code', 'TEST888',
  'the destination''s own test_event_code wins');

select * from finish();
rollback;
