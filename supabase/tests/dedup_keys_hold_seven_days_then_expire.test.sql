-- Dedup: the same business fact is one event for at least 7 days; keys older than the window are
-- expired by tracking.expire_event_keys (scheduled by pg_cron); events older than 7 days are skipped.
begin;
select plan(8);

select tests.create_company('dedup-co') as co \gset
insert into delivery.destinations (company_id, pixel_id) values (:'co', '1234567890');
select tests.freeze_time('2026-11-01 12:00:00+00');

create temp table first_ev as
select * from tracking.record_event(:'co', null, 'perfectpay', 'PP-1', 'Purchase', app.now(), 'system_generated',
  null, '{"em": "a@b.com"}'::jsonb, '{"value": 97, "currency": "BRL"}'::jsonb);
select is((select duplicate from first_ev), false, 'the first copy is recorded');

select tests.freeze_time('2026-11-07 11:00:00+00');
select is(
  (select duplicate from tracking.record_event(:'co', null, 'perfectpay', 'PP-1', 'Purchase', app.now(),
     'system_generated', null, '{}'::jsonb, '{}'::jsonb)),
  true, 'a copy six days later is a duplicate');
select is(
  (select event_pk from tracking.record_event(:'co', null, 'perfectpay', 'PP-1', 'Purchase', app.now(),
     'system_generated', null, '{}'::jsonb, '{}'::jsonb)),
  (select event_pk from first_ev), 'and answers with the first event');
select is(tracking.expire_event_keys(), 0, 'nothing expires inside the window');

select tests.freeze_time('2026-11-09 13:00:00+00');
select is(tracking.expire_event_keys(), 1, 'the key expires after eight days');
select is((select count(*)::int from tracking.events where company_id = :'co'), 1, 'the event itself stays');

select is(
  (select status from tracking.record_event(:'co', null, 'perfectpay', 'PP-OLD', 'Purchase',
     app.now() - interval '8 days', 'website', null, '{"em": "a@b.com"}'::jsonb, '{}'::jsonb)),
  'skipped', 'an event older than Meta''s 7-day window is skipped, not sent');
select is((select skip_reason from tracking.events where provider_ref = 'PP-OLD'), 'event_time_older_than_7_days',
  'with the reason');

select tests.unfreeze_time();
select * from finish();
rollback;
