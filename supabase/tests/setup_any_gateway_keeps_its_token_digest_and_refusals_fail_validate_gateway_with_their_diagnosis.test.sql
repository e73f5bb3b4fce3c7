-- Onboarding for any gateway of tracking.gateways, decided in SQL: a token gateway's endpoint keeps the
-- credential's digest (a signature gateway's keeps none), a correction re-hashes it, an unknown gateway is
-- refused, and a refused notification fails validate_gateway at once with the diagnosis its refusal means:
-- token or signature -> gateway.token_mismatch (the message naming where the credential was looked
-- for), an amount -> event.purchase_value, a currency -> event.purchase_currency, another field ->
-- gateway.unreadable_field; a notification missing its order id changes nothing.
begin;
select plan(17);

select null from tests.create_user('ana');
create temp table s as
select g, x.* from unnest(array['hotmart', 'kiwify', 'ticto-amount', 'utmify-currency', 'braip-date',
                                'kirvano-missing', 'mercadopago-signature']) as g
cross join lateral setup.create_session(null, 'Loja ' || g, tests.user_id('ana'), pg_catalog.jsonb_build_object(
  'pixel_id', '123456789012345', 'gateway', split_part(g, '-', 1), 'landing_url', 'https://loja.example.com/oferta',
  'tracking_domain', 'track.' || g || '.example.com', 'test_event_code', 'TEST123'), repeat(left(md5(g), 1), 64)) as x;

select is((select e.token_sha256 from tracking.endpoints e join s on e.public_key = s.webhook_key where s.g = 'hotmart'),
  repeat(left(md5('hotmart'), 1), 64), 'a token gateway''s endpoint keeps the credential''s digest');
select is((select e.token_sha256 from tracking.endpoints e join s on e.public_key = s.webhook_key where s.g = 'kiwify'),
  null, 'a signature gateway''s endpoint keeps none (the API checks the signature with the secret)');
select is((select e.kind from tracking.endpoints e join s on e.public_key = s.webhook_key where s.g = 'utmify-currency'),
  'utmify', 'the endpoint is of the session''s gateway');
select throws_ok($$ select setup.create_session(null, 'Loja X', tests.user_id('ana'),
  '{"pixel_id": "123456789012345", "gateway": "pagseguro", "landing_url": "https://x.example.com/",
    "tracking_domain": "track.x.example.com"}', null) $$,
  '22023', 'gateway pagseguro is not one Track AI takes notifications from', 'an unknown gateway is refused');

select setup.correct((select id from s where g = 'hotmart'), '{}', array['gateway_secret'], repeat('f', 64));
select is((select e.token_sha256 from tracking.endpoints e join s on e.public_key = s.webhook_key where s.g = 'hotmart'),
  repeat('f', 64), 'a corrected credential is re-hashed onto the endpoint');

-- refusals, as tracking.ingest_webhook_batch and the API log them
insert into tracking.rejected_requests (company_id, source, request_id, http_status, error_code, message)
select s.company_id, x.source, 'req-' || x.source as request_id, x.status, x.code, x.message
from (values
  ('hotmart', 'hotmart', 401, 'invalid_token',
   'the hottok (header x-hotmart-hottok or field hottok) does not match the one saved for this Hotmart webhook'),
  ('kiwify', 'kiwify', 401, 'bad_signature', 'the ?signature= URL parameter is not the SHA1 HMAC of the body'),
  ('ticto-amount', 'ticto', 422, 'invalid_field', 'order.paid_amount must be an integer number of cents, like 3990'),
  ('utmify-currency', 'utmify', 422, 'invalid_field', 'commission.currency must be an ISO 4217 code, like BRL'),
  ('braip-date', 'braip', 422, 'invalid_field', 'trans_createdate must be a date like 2024-05-29 17:56:06'),
  ('kirvano-missing', 'kirvano', 422, 'missing_fields', 'a Kirvano sale needs sale_id'),
  ('mercadopago-signature', 'mercadopago', 401, 'bad_signature', 'the x-signature header does not match this notification')
) as x (g, source, status, code, message)
join s on s.g = x.g;

create temp view gw as
select s.g, st.status, st.diagnosis_code, st.last_error, x.status as session_status
from s join setup.steps st on st.session_id = s.id and st.name = 'validate_gateway'
join setup.sessions x on x.id = s.id;

select is((select diagnosis_code from gw where g = 'hotmart'), 'gateway.token_mismatch', 'a wrong hottok: token mismatch');
select is((select status from gw where g = 'hotmart'), 'failed', 'at once: the step is failed, not retried');
select is((select session_status from gw where g = 'hotmart'), 'needs_attention', 'and the session needs attention');
select matches((select last_error from gw where g = 'hotmart'), 'Hotmart .*header x-hotmart-hottok',
  'the step''s message names the gateway and the header');
select is((select diagnosis_code from gw where g = 'kiwify'), 'gateway.token_mismatch', 'a bad signature: token mismatch');
select matches((select last_error from gw where g = 'kiwify'), '\?signature=', 'naming the signature''s URL parameter');
select is((select diagnosis_code from gw where g = 'mercadopago-signature'), 'gateway.token_mismatch',
  'Mercado Pago''s bad x-signature too');
select is((select diagnosis_code from gw where g = 'ticto-amount'), 'event.purchase_value', 'an amount field: purchase value');
select is((select diagnosis_code from gw where g = 'utmify-currency'), 'event.purchase_currency', 'a currency field: currency');
select is((select diagnosis_code from gw where g = 'braip-date'), 'gateway.unreadable_field', 'a date: unreadable field');
select is((select status || coalesce(diagnosis_code, '') from gw where g = 'kirvano-missing'), 'pending',
  'a missing order id fails nothing');
select ok((select count(*) = 1 from setup.diagnosis_rules r where r.code = 'gateway.unreadable_field'
           and r.message_pt <> '' and r.message_en <> ''), 'the new diagnosis speaks Portuguese and English');

select * from finish();
rollback;
