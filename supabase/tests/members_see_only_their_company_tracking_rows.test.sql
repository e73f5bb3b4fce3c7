-- RLS on the pipeline's tables: a member of company A sees none of company B's rows and writes nothing.
begin;
select plan(14);

select tests.create_user('ana');
select tests.create_company('track-a') as a \gset
select tests.create_company('track-b') as b \gset
select tests.add_member(:'a', 'ana', 'backoffice_admin');

insert into delivery.destinations (company_id, pixel_id) values (:'a', '111111'), (:'b', '222222');
insert into tracking.endpoints (company_id, kind, public_key) values (:'b', 'collector', 'collector_key_of_b_000');
insert into tracking.allowed_origins (company_id, origin) values (:'b', 'https://b.example.com');
insert into tracking.api_keys (company_id, name, prefix, key_sha256)
values (:'b', 'k', 'tai_', repeat('a', 64));
insert into app.secrets (company_id, kind, key_id, ciphertext) values (:'b', 'meta_capi_token', 'k1', '\x00');
select tracking.touch_visitor(:'b', 'visitor-of-b-1', app.now(), '{"fbp": "fb.1.1596403881668.1116446470"}');
insert into tracking.touchpoints (company_id, visitor_id, occurred_at) values (:'b', 'visitor-of-b-1', app.now());
select tracking.record_event(:'a', null, 'api', 'A-1', 'Lead', app.now(), 'system_generated', null,
  '{"em": "a@a.com"}'::jsonb, '{}'::jsonb);
select tracking.record_event(:'b', null, 'api', 'B-1', 'Lead', app.now(), 'system_generated', null,
  '{"em": "b@b.com"}'::jsonb, '{}'::jsonb);
insert into tracking.sales (company_id, gateway, provider_ref, status, sale_effect) values (:'b', 'perfectpay', 'S', 'approved', 'sale');
insert into tracking.rejected_requests (company_id, source, request_id, http_status, error_code, message)
values (:'b', 'perfectpay', 'r', 401, 'invalid_token', 'm');
insert into tracking.idempotency_keys (company_id, key, request_sha256) values (:'b', 'k', 'h');
select tracking.store_inbound(:'b', 'api', 'req', '{}', '{}');

select tests.authenticate_as('ana');
select is((select count(*)::int from tracking.events), 1, 'ana sees only her company''s event');
select is((select count(*)::int from tracking.events where company_id = :'b'), 0, 'none of B''s events');
select is((select count(*)::int from tracking.event_keys where company_id = :'b'), 0, 'none of B''s dedup keys');
select is((select count(*)::int from tracking.inbound where company_id = :'b'), 0, 'none of B''s inbound');
select is((select count(*)::int from tracking.visitors), 0, 'none of B''s visitors');
select is((select count(*)::int from tracking.touchpoints), 0, 'none of B''s touchpoints');
select is((select count(*)::int from tracking.sales), 0, 'none of B''s sales');
select is((select count(*)::int from tracking.rejected_requests), 0, 'none of B''s rejected requests');
select is((select count(*)::int from tracking.idempotency_keys), 0, 'none of B''s idempotency keys');
select is((select count(*)::int from tracking.endpoints where company_id = :'b'), 0, 'none of B''s endpoints');
select is((select count(*)::int from delivery.destinations), 1, 'only her own destination');
select is((select count(*)::int from app.secrets), 0, 'none of B''s secrets');
select throws_ok($$ select ciphertext from app.secrets $$, '42501', null,
  'no member can read secret ciphertext');
select throws_ok(format($$ insert into tracking.allowed_origins (company_id, origin)
                          values (%L, 'https://evil.example.com') $$, :'b'),
  '42501', null, 'ana cannot register an origin for B');
select tests.clear_authentication();

select * from finish();
rollback;
