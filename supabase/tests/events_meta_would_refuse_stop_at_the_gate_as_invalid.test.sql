-- The gate before the dispatch queue (tracking.event_violations over tracking.meta_event_rules): an event
-- Meta would refuse is stored 'invalid' with the rule it broke, never queued; a corrected copy is judged
-- again and goes out; a gateway sale's action_source follows tracking.action_source_rules; and the lead's
-- setup session gets the rule's diagnosis.
begin;
select plan(30);

select null from tests.create_user('gil');
select tests.freeze_time('2026-11-29 10:00:00+00');
select id as s, company_id as co from setup.create_session(null, 'Loja Gil', tests.user_id('gil'),
  '{"pixel_id": "123456789012345", "gateway": "perfectpay", "landing_url": "https://loja.example.com/oferta",
    "tracking_domain": "track.loja.example.com"}', repeat('a', 64)) \gset

create function pg_temp.judge(ref text, ev_name text, act text, url text, ud jsonb, cd jsonb,
                              extra jsonb default '{}') returns text
language plpgsql as $$
declare
  pk bigint;
begin
  select r.event_pk into pk
  from tracking.record_event((select company_id from setup.sessions limit 1), null, 'api', ref, ev_name,
                             app.now(), act, url, ud, cd, null, null, null, extra) r;
  return (select e.status || coalesce(' ' || split_part(e.last_error, ':', 1), '') from tracking.events e
          where e.id = pk);
end
$$;

-- customer information (meta_capi.md §3)
select is(pg_temp.judge('c1', 'Lead', 'system_generated', null, '{}', '{}'), 'invalid customer_information',
  'no user data at all: invalid');
select is(pg_temp.judge('c2', 'Lead', 'system_generated', null, '{"fn": "Ana", "ge": "f"}', '{}'),
  'invalid customer_information', 'only fn + ge (a baseline-invalid set): invalid');
select is(pg_temp.judge('c3', 'Lead', 'system_generated', null, '{"ct": "Belo Horizonte", "country": "BR"}', '{}'),
  'invalid customer_information', 'only city + country (a subset of one): invalid');
select is(pg_temp.judge('c4', 'Lead', 'system_generated', null, '{"em": "a@b.com"}', '{}'), 'queued',
  'an e-mail is enough: queued');

-- Purchase value and currency (meta_capi.md §2)
select is(pg_temp.judge('p1', 'Purchase', 'system_generated', null, '{"em": "a@b.com"}', '{"currency": "BRL"}'),
  'invalid purchase_value', 'a Purchase without value: invalid');
select is(pg_temp.judge('p2', 'Purchase', 'system_generated', null, '{"em": "a@b.com"}',
  '{"value": -5, "currency": "BRL"}'), 'invalid purchase_value', 'a negative value: invalid');
select is(pg_temp.judge('p3', 'Purchase', 'system_generated', null, '{"em": "a@b.com"}',
  '{"value": "abc", "currency": "BRL"}'), 'invalid purchase_value', 'a value that is no number: invalid');
select is(pg_temp.judge('p4', 'Purchase', 'system_generated', null, '{"em": "a@b.com"}',
  '{"value": 197.9, "currency": "REAIS"}'), 'invalid purchase_currency', 'a currency that is not ISO 4217: invalid');
select is(pg_temp.judge('p5', 'Purchase', 'system_generated', null, '{"em": "a@b.com"}',
  '{"value": 197.9, "currency": "brl"}'), 'queued', 'a positive value in a known currency: queued');

-- website fields (meta_capi.md §2)
select is(pg_temp.judge('w1', 'Lead', 'website', null, '{"em": "a@b.com", "client_user_agent": "UA"}', '{}'),
  'invalid website_source_url', 'a website event without its page: invalid');
select is(pg_temp.judge('w2', 'Lead', 'website', 'https://loja.example.com/', '{"em": "a@b.com"}', '{}'),
  'invalid website_user_agent', 'a website event without the browser: invalid');

-- business messaging (meta_capi.md §6)
select is(pg_temp.judge('m1', 'Purchase', 'business_messaging', null, '{"ctwa_clid": "ARAkLk"}',
  '{"value": 10, "currency": "BRL"}'), 'invalid messaging_channel', 'a conversation event without its channel');
select is(pg_temp.judge('m2', 'Lead', 'business_messaging', null, '{"ctwa_clid": "ARAkLk"}', '{}',
  '{"messaging_channel": "whatsapp"}'), 'invalid messaging_event_name', 'Lead is not a messaging event name');

-- an invalid event never reaches the queue, and says why in plain words
select is((select count(*)::int from pgmq.q_dispatch where (message ->> 'event')::bigint in (
  select id from tracking.events where status = 'invalid')), 0, 'no invalid event is on the dispatch queue');
select is((select count(*)::int from pgmq.q_dispatch), 2, 'the two valid ones are');
select ok((select last_error from tracking.events where provider_ref = 'p1') like
  'purchase_value: A purchase arrived without a positive numeric value%', 'last_error names the rule and the problem');

-- a copy of an invalid event is judged again with what it brings
select is(pg_temp.judge('p1', 'Purchase', 'system_generated', null, '{"em": "a@b.com"}',
  '{"value": 97, "currency": "BRL"}'), 'queued', 'the corrected copy passes and is queued');
select is((select count(*)::int from tracking.events where provider_ref = 'p1'), 1, 'as the same event');
select is((select duplicate from tracking.record_event(:'co', null, 'api', 'p1', 'Purchase', app.now(),
  'system_generated', null, '{"em": "a@b.com"}', '{"value": 97, "currency": "BRL"}')), true,
  'and a copy of a valid event is a duplicate, as before');

-- a fix, then a replay: the stored request is processed again and the event judged again
insert into tracking.inbound (company_id, source, request_id, body) values (:'co', 'perfectpay', 'req-xbt',
  '{"code": "PP-XBT", "sale_status_enum": 2, "sale_amount": 10, "currency_enum_key": "XBT",
    "customer": {"email": "x@b.com"}}') returning id as xbt \gset
select tracking.process_inbound(:xbt);
select is((select status from tracking.events where provider_ref = 'PP-XBT'), 'invalid',
  'a currency the table does not know: invalid');
insert into tracking.currencies (code) values ('XBT');
select is((select count(*)::int from tracking.replay_invalid(:'co')), 1, 'replay_invalid takes its request again');
select is((select status from tracking.events where provider_ref = 'PP-XBT'), 'queued', 'and the event now goes out');

-- action_source by what happened (tracking.action_source_rules)
select is(tracking.sale_action_source('checkout', true), 'website', 'a checkout with page and browser: website');
select is(tracking.sale_action_source('checkout', false), 'other', 'a checkout without them: other');
select is(tracking.sale_action_source('renewal', null), 'system_generated', 'an automatic renewal: system_generated');
select is(tracking.sale_action_source('refund', true), 'system_generated', 'a refund-driven event: system_generated');
create temp table k1 as select * from tracking.record_event(:'co', null, 'perfectpay', 'k1', 'Purchase', app.now(),
  null, null, '{"em": "a@b.com", "client_user_agent": "Mozilla/5.0"}', '{"value": 97, "currency": "BRL"}');
select is((select action_source || ' ' || event_source_url from tracking.events where id = (select event_pk from k1)),
  'website https://loja.example.com/oferta', 'a checkout with the browser is website, on the offer the lead set up');

-- the lead heard of the invalid Perfect Pay sale (PP-XBT above) where they set things up
select is((select diagnosis_code from setup.steps where session_id = :'s' and name = 'validate_gateway'),
  'event.purchase_currency', 'an invalid Perfect Pay sale fails the gateway step with the rule''s diagnosis');
select is((select field from setup.diagnosis_rules where code = 'event.purchase_currency'), 'currency',
  'which names the field to fix');
select is((select status from setup.sessions where id = :'s'), 'needs_attention', 'and the session needs attention');

select tests.unfreeze_time();
select * from finish();
rollback;
