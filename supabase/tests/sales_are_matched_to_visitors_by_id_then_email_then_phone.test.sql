-- Matching: a sale joins the visitor that preceded it — by the visitor id carried in the checkout (src),
-- else by hashed e-mail, else by hashed phone of an earlier lead — records the key and the lag, and
-- carries the union of the user data (the sale's own values win).
begin;
select plan(10);

select tests.create_company('match-co') as co \gset
insert into delivery.destinations (company_id, pixel_id) values (:'co', '1234567890');

select tests.freeze_time('2026-11-20 10:00:00+00');
select tracking.touch_visitor(:'co', 'visitor-click-1', app.now(), jsonb_build_object(
  'fbclid', 'AbC-123_xYz', 'fbp', 'fb.1.1596403881668.1116446470', 'client_ip_address', '200.1.2.3',
  'client_user_agent', 'UA-click', 'url', 'https://loja.example.com/?fbclid=AbC-123_xYz'));
select tracking.touch_visitor(:'co', 'visitor-lead-2', app.now(), '{"em": "lead@example.com"}'::jsonb);
select tracking.touch_visitor(:'co', 'visitor-lead-3', app.now(), '{"ph": "+55 (21) 99876-5432"}'::jsonb);

select tests.freeze_time('2026-11-20 12:30:00+00');
create temp table by_id as select * from tracking.record_event(
  :'co', null, 'perfectpay', 'S1', 'Purchase', app.now(), 'website', null,
  '{"em": "buyer@example.com", "client_ip_address": "10.0.0.9"}'::jsonb, '{}'::jsonb, 'visitor-click-1');
select is((select match_key from tracking.events where id = (select event_pk from by_id)), 'visitor_id',
  'the checkout src matches the visitor');
select is((select match_lag from tracking.events where id = (select event_pk from by_id)), interval '2 hours 30 minutes',
  'the lag from the visit to the sale is recorded');
select is((select user_data ->> 'fbc' from tracking.events where id = (select event_pk from by_id)),
  'fb.1.' || (extract(epoch from timestamptz '2026-11-20 10:00:00+00') * 1000)::bigint || '.AbC-123_xYz',
  'fbc comes from the click, fbclid untouched, creation time in ms');
select is((select user_data ->> 'client_ip_address' from tracking.events where id = (select event_pk from by_id)),
  '10.0.0.9', 'the sale''s own IP wins over the visitor''s');
select is((select action_source || ' ' || event_source_url from tracking.events where id = (select event_pk from by_id)),
  'website https://loja.example.com/?fbclid=AbC-123_xYz', 'a website event with the landing URL and a UA');

-- (each call in its own statement: a statement does not see rows its own function call inserted)
create temp table by_em as select * from tracking.record_event(
  :'co', null, 'perfectpay', 'S2', 'Purchase', app.now(), 'website', null,
  '{"em": " LEAD@example.com "}'::jsonb, '{}'::jsonb);
select is((select match_key from tracking.events where id = (select event_pk from by_em)), 'em',
  'without src, the hashed e-mail matches');

create temp table by_ph as select * from tracking.record_event(
  :'co', null, 'perfectpay', 'S3', 'Purchase', app.now(), 'website', null,
  '{"ph": "(21) 99876-5432"}'::jsonb, '{}'::jsonb);
select is((select match_key from tracking.events where id = (select event_pk from by_ph)), 'ph',
  'then the hashed phone (country code added)');

create temp table nomatch as select * from tracking.record_event(
  :'co', null, 'perfectpay', 'S4', 'Purchase', app.now(), null, null,
  '{"em": "stranger@example.com"}'::jsonb, '{}'::jsonb, 'no-such-visitor');
select is((select match_key from tracking.events where id = (select event_pk from nomatch)), null,
  'an unknown visitor and buyer match nothing');
select is((select action_source from tracking.events where id = (select event_pk from nomatch)), 'other',
  'a checkout whose page and browser are unknown is neither website nor system_generated (action_source_rules)');
select ok((select match_quality from tracking.events where id = (select event_pk from by_id))
  > (select match_quality from tracking.events where id = (select event_pk from nomatch)),
  'a matched sale has a higher estimated match quality');

select tests.unfreeze_time();
select * from finish();
rollback;
