-- Circuit breakers (Meta-wide and per pixel): closed -> open when more than 50 % of at least N requests
-- failed transiently within 5 minutes (alert + logged change); held during the cool-down; then ONE
-- half-open probe (a lost probe is retaken after probe_timeout); the probe failing reopens it, the
-- probe getting through closes it.
begin;
select plan(28);

select tests.freeze_time('2026-11-20 12:00:00+00');
update delivery.settings set breaker_min_attempts = 4, breaker_cooldown = '60 seconds', probe_timeout = '30 seconds';
select tests.create_company('loja') as c \gset
insert into delivery.destinations (company_id, pixel_id) values (:'c', '111222333444') returning id as d \gset

create function pg_temp.attempt(status int, probe boolean default false) returns text language sql as $$
  select delivery.record_attempt((select id from delivery.destinations limit 1), '{}', '{}', 'r', status,
    case when status >= 500 then '{"error": {"code": 2, "is_transient": true, "message": "down"}}'
         else '{"events_received": 0}' end, 5, '{}', null, null, probe)
$$;
create function pg_temp.states() returns text language sql as $$
  select string_agg(state, ',' order by scope desc) from delivery.breakers
$$;
create function pg_temp.decision() returns text language sql as $$
  select decision || coalesce(' ' || (hold_until - app.now())::text, '')
  from delivery.may_send((select id from delivery.destinations limit 1))
$$;

select throws_ok($$ update delivery.breakers set state = 'ajar' $$, '23514', null, 'state is closed, open or half_open');
select pg_temp.attempt(200);
select pg_temp.attempt(200);
select pg_temp.attempt(200);
select pg_temp.attempt(500);
select pg_temp.attempt(500);
select is(pg_temp.states(), 'closed,closed', '2 failures in 5 requests (40 %): Meta and the pixel stay closed');
select pg_temp.attempt(500);
select is(pg_temp.states(), 'closed,closed', '3 in 6 is 50 %, not over it: still closed');
select is(pg_temp.decision(), 'send', 'a closed breaker lets batches through');
select pg_temp.attempt(500);
select is(pg_temp.states(), 'open,open', '4 in 7 (57 %): both breakers open');
select results_eq($$ select scope, from_state, to_state, window_attempts from delivery.breaker_changes order by scope $$,
  $$ values ('destination', 'closed', 'open', 7), ('meta', 'closed', 'open', 7) $$, 'each change is logged');
select results_eq($$ select company_id is null, severity, resolved_at is null from delivery.alerts where kind = 'breaker_opened' order by 1 $$,
  $$ values (false, 'warning', true), (true, 'warning', true) $$, 'an alert for the pixel''s company and a Meta-wide one');
select is(pg_temp.decision(), 'hold 00:01:00', 'an open breaker holds until the cool-down ends');

select tests.freeze_time('2026-11-20 12:00:30+00');
select is(pg_temp.decision(), 'hold 00:00:30', 'still holding half-way through');

select tests.freeze_time('2026-11-20 12:01:01+00');
select is(pg_temp.decision(), 'probe', 'after the cool-down one probe batch may go');
select is(pg_temp.states(), 'half_open,half_open', 'the breakers are half-open');
select is(pg_temp.decision(), 'hold 00:00:02', 'no second probe while the first is out (look again in 2 s)');
select pg_temp.attempt(500, true);
select is(pg_temp.states(), 'open,open', 'the probe failed: open again');
select is((select opened_at from delivery.breakers where scope = 'meta'), '2026-11-20 12:01:01+00'::timestamptz,
  'with a fresh cool-down');
select is((select count(*)::int from delivery.alerts where kind = 'breaker_opened'), 2, 'no new alert for a failed probe');

select tests.freeze_time('2026-11-20 12:02:02+00');
select is(pg_temp.decision(), 'probe', 'the next cool-down gives another probe');
select pg_temp.attempt(200, true);
select is(pg_temp.states(), 'closed,closed', 'the probe got through: closed');
select is((select count(*)::int from delivery.alerts where kind = 'breaker_opened' and resolved_at is null), 0,
  'the open-breaker alerts are resolved');
select is((select count(*)::int from delivery.alerts where kind = 'breaker_closed'), 2, 'and the closing is told');
select is(pg_temp.decision(), 'send', 'batches flow again');
select results_eq($$ select from_state || '>' || to_state from delivery.breaker_changes where scope = 'meta' order by id $$,
  $$ values ('closed>open'), ('open>half_open'), ('half_open>open'), ('open>half_open'), ('half_open>closed') $$,
  'the Meta breaker''s whole story is in breaker_changes');

-- only the last 5 minutes count, and only since the breaker last changed
select tests.freeze_time('2026-11-20 12:03:00+00');
select pg_temp.attempt(500);
select pg_temp.attempt(500);
select tests.freeze_time('2026-11-20 12:09:00+00');
select pg_temp.attempt(500);
select pg_temp.attempt(500);
select pg_temp.attempt(500);
select is(pg_temp.states(), 'closed,closed', 'failures older than 5 minutes do not count (3 < 4 attempts)');
select pg_temp.attempt(500);
select is(pg_temp.states(), 'open,open', '4 failures within the window open it');

-- a probe that never reports back is presumed lost after probe_timeout
select tests.freeze_time('2026-11-20 12:10:01+00');
select is(pg_temp.decision(), 'probe', 'a probe is claimed');
select tests.freeze_time('2026-11-20 12:10:20+00');
select is(pg_temp.decision(), 'hold 00:00:02', 'others wait for it');
select tests.freeze_time('2026-11-20 12:10:32+00');
select is(pg_temp.decision(), 'probe', 'after probe_timeout another dispatcher may probe');

select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'delivery'
                  and tablename = 'breaker_changes'), 'breaker changes are published to realtime');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'delivery'
                  and tablename = 'breakers'), 'breaker states are published to realtime');

select * from finish();
rollback;
