-- tracking.events: only the drawn transitions are possible, and each state carries its timestamp.
begin;
select plan(9);

select tests.create_company('sm-co') as co \gset
insert into delivery.destinations (company_id, pixel_id) values (:'co', '1234567890');

create temp table ev as
select * from tracking.record_event(
  :'co', null, 'api', 'ORDER-1', 'Purchase', app.now(), 'system_generated', null,
  '{"em": "a@b.com"}'::jsonb, '{"value": 10, "currency": "BRL"}'::jsonb);

select is((select status from ev), 'queued', 'a new event with a destination is queued');
select isnt((select queued_at from tracking.events where id = (select event_pk from ev)), null,
  'queued carries queued_at');

select throws_ok(
  format($$ update tracking.events set status = 'received' where id = %s $$, (select event_pk from ev)),
  '23514', null, 'queued cannot go back to received');
select throws_ok(
  format($$ update tracking.events set status = 'sent' where id = %s $$, (select event_pk from ev)),
  '23514', null, 'sent needs sent_at (CHECK)');
select lives_ok(
  format($$ update tracking.events set status = 'retrying', retrying_at = app.now(),
            next_attempt_at = app.now() + interval '5 seconds' where id = %s $$, (select event_pk from ev)),
  'queued -> retrying');
select lives_ok(
  format($$ update tracking.events set status = 'dead', dead_at = app.now(), last_error = 'x' where id = %s $$,
         (select event_pk from ev)),
  'retrying -> dead');
select lives_ok(
  format($$ update tracking.events set status = 'queued', queued_at = app.now() where id = %s $$,
         (select event_pk from ev)),
  'dead -> queued (replay)');
select lives_ok(
  format($$ update tracking.events set status = 'sent', sent_at = app.now() where id = %s $$,
         (select event_pk from ev)),
  'queued -> sent');
select throws_ok(
  format($$ update tracking.events set status = 'dead', dead_at = app.now(), last_error = 'x' where id = %s $$,
         (select event_pk from ev)),
  '23514', null, 'sent is final');

select * from finish();
rollback;
