-- A postback refused at the door reaches the lead's setup session as a diagnosis naming what to fix:
-- a wrong token, or an amount / currency that would certainly fail (tracking.perfectpay_field_problem).
begin;
select plan(4);

select null from tests.create_user('rui');
select id as s, company_id as co from setup.create_session(null, 'Loja Rui', tests.user_id('rui'),
  '{"pixel_id": "123456789012345", "gateway": "perfectpay", "landing_url": "https://loja.example.com/",
    "tracking_domain": "track.loja.example.com"}', repeat('a', 64)) \gset

select is(tracking.perfectpay_field_problem('{"sale_amount": "197,90"}') ->> 'field', 'sale_amount',
  'a comma in the amount is a field problem');
select null from tracking.reject(:'co', 'perfectpay', 'req-1', 422, 'invalid_field',
  (tracking.perfectpay_field_problem('{"sale_amount": "197,90"}') ->> 'message'), 100);
select is((select diagnosis_code from setup.steps where session_id = :'s' and name = 'validate_gateway'),
  'event.purchase_value', 'the refused amount fails the gateway step with the purchase value diagnosis');
select is((select field from setup.diagnosis_rules where code = 'event.purchase_value'), 'sale_amount',
  'which names the field');
select is((select status from setup.sessions where id = :'s'), 'needs_attention', 'the session needs attention');

select * from finish();
rollback;
