-- Transient failures: retrying with backoff 1 s, 5 s, 30 s, 2 min, 10 min, 1 h, 1 h ... (jitter within
-- bounds), the message re-timed; dead-lettered at the attempt cap, or when the next try (or the send
-- itself) would fall outside Meta's 7-day event_time window.
begin;
select plan(19);

select tests.freeze_time('2026-11-20 12:00:00+00');
update delivery.settings set jitter = 0, max_attempts = 8;
select tests.create_company('loja') as c \gset
insert into delivery.destinations (company_id, pixel_id) values (:'c', '111222333444') returning id as d \gset
insert into app.secrets (company_id, kind, key_id, ciphertext) values (:'c', 'meta_capi_token', 'k', '\x00');

create function pg_temp.event(ref text, at timestamptz) returns bigint language sql as $$
  select r.event_pk from tracking.record_event(
    (select id from app.companies where slug = 'loja'), null, 'api', ref, 'Purchase', at, 'system_generated', null,
    '{"em": "a@b.com"}', '{"value": 1, "currency": "BRL"}') r
$$;
create function pg_temp.fail(e bigint, body text default '{"error": {"code": 2, "message": "Service temporarily unavailable", "is_transient": true}}')
returns text language sql as $$
  select delivery.record_attempt(
    (select destination_id from tracking.events where id = e),
    array(select msg_id from pgmq.q_dispatch where (message ->> 'event')::bigint = e), array[e], 'r', 500, body, 7)
$$;
create function pg_temp.delay(e bigint) returns interval language sql as $$
  select next_attempt_at - app.now() from tracking.events where id = e
$$;

select pg_temp.event('a', '2026-11-20 11:00:00+00') as a \gset
select is(pg_temp.fail(:a), 'retry', 'a 500 is a retry');
select results_eq($$ select status, attempts from tracking.events where id = $$ || :a,
  $$ values ('retrying', 1) $$, 'the event is retrying, one attempt on record');
select is(pg_temp.delay(:a), interval '1 second', 'first backoff 1 s');
select ok((select vt > clock_timestamp() + interval '0.5 second' from pgmq.q_dispatch
           where (message ->> 'event')::bigint = :a), 'its message is invisible until then');
select pg_temp.fail(:a);
select is(pg_temp.delay(:a), interval '5 seconds', 'second backoff 5 s');
select pg_temp.fail(:a);
select is(pg_temp.delay(:a), interval '30 seconds', 'third backoff 30 s');
select pg_temp.fail(:a);
select is(pg_temp.delay(:a), interval '2 minutes', 'fourth backoff 2 min');
select pg_temp.fail(:a);
select is(pg_temp.delay(:a), interval '10 minutes', 'fifth backoff 10 min');
select pg_temp.fail(:a);
select is(pg_temp.delay(:a), interval '1 hour', 'sixth backoff 1 h');
select pg_temp.fail(:a);
select is(pg_temp.delay(:a), interval '1 hour', 'then 1 h again');
select pg_temp.fail(:a);
select results_eq($$ select status, attempts, last_error like 'max_attempts_exhausted: gave up after 8 attempts%' from tracking.events where id = $$ || :a,
  $$ values ('dead', 8, true) $$, 'at the attempt cap the event is dead, with the reason');
select results_eq($$ select error_code, reason like 'max_attempts_exhausted%' from delivery.dead_letters where event_pk = $$ || :a,
  $$ values (2, true) $$, 'and dead-lettered with Meta''s code');
select is_empty($$ select 1 from pgmq.q_dispatch where (message ->> 'event')::bigint = $$ || :a, 'its message is gone');

-- jitter keeps the delay within [1 - j, 1 + j] of the schedule
update delivery.settings set jitter = 0.2;
select pg_temp.event('b', '2026-11-20 11:00:00+00') as b \gset
select pg_temp.fail(:b);
select ok(pg_temp.delay(:b) between interval '0.8 second' and interval '1.2 seconds', 'jitter stays within 20 %');

-- the next try would be past event_time + 7 days: dead now, with the reason
select pg_temp.event('c', '2026-11-13 12:00:00.5+00') as c \gset
select pg_temp.fail(:c);
select results_eq($$ select status, last_error like 'event_time_window_exceeded%' from tracking.events where id = $$ || :c,
  $$ values ('dead', true) $$, 'a retry that would land past Meta''s 7-day window is a dead letter');

-- an event that aged past the window while it waited is dead-lettered by claim, not sent
select pg_temp.event('e', '2026-11-14 12:00:00+00') as e \gset
select tests.freeze_time('2026-11-21 13:00:00+00');
select is_empty(format($$ select * from delivery.claim(%s, array(select msg_id from pgmq.q_dispatch where (message ->> 'event')::bigint = %s), array[%s]::bigint []) $$, :d, :e, :e),
  'claim sends nothing older than 7 days');
select results_eq($$ select status, last_error like 'event_time_window_exceeded%' from tracking.events where id = $$ || :e,
  $$ values ('dead', true) $$, 'it is dead-lettered instead');

-- a bad payload in a batch of several is bisected (nothing moves), alone it is dead
select tests.freeze_time('2026-11-20 12:00:00+00');
select pg_temp.event('f1', '2026-11-20 11:00:00+00') as f1 \gset
select pg_temp.event('f2', '2026-11-20 11:00:00+00') as f2 \gset
select is(delivery.record_attempt(:d, array(select msg_id from pgmq.q_dispatch where (message ->> 'event')::bigint in (:f1, :f2) order by msg_id),
  array[:f1, :f2]::bigint [], 'r', 400, '{"error": {"code": 100, "error_subcode": 2804019, "message": "Invalid parameter"}}', 3),
  'bisect', 'a 100 on a batch of two asks for a bisection');
select results_eq($$ select status from tracking.events where id in ($$ || :f1 || ',' || :f2 || ')',
  $$ values ('queued'), ('queued') $$, 'and leaves both events queued');

select * from finish();
rollback;
