-- Members read only their company's delivery rows (attempts, dead letters, replays, history) plus the
-- Meta-wide breaker and alerts; nobody but the service role reads a token's ciphertext or runs the
-- dispatcher's functions.
begin;
select plan(18);

select tests.create_user('alice');
select tests.create_user('adam');
select tests.create_user('bob');
select tests.create_company('company-a') as a \gset
select tests.create_company('company-b') as b \gset
select tests.add_member(:'a', 'alice', 'viewer');
select tests.add_member(:'a', 'adam', 'backoffice_admin');
select tests.add_member(:'b', 'bob', 'backoffice_admin');
insert into delivery.destinations (company_id, pixel_id) values (:'a', '111111111111') returning id as da \gset
insert into delivery.destinations (company_id, pixel_id) values (:'b', '222222222222') returning id as db \gset
insert into app.secrets (company_id, kind, key_id, ciphertext) values (:'a', 'meta_capi_token', 'k', '\xdeadbeef'),
  (:'b', 'meta_capi_token', 'k', '\xbeefdead');

create function pg_temp.event(company uuid, ref text) returns bigint language sql as $$
  select r.event_pk from tracking.record_event(company, null, 'api', ref, 'Purchase', now(), 'system_generated', null,
    '{"em": "a@b.com"}', '{"value": 1, "currency": "BRL"}') r
$$;
select pg_temp.event(:'a', 'a1') as ea \gset
select pg_temp.event(:'b', 'b1') as eb \gset
select delivery.record_attempt(:da, array(select msg_id from pgmq.q_dispatch where (message->>'event')::bigint = :ea),
  array[:ea]::bigint [], 'ra', 400, '{"error": {"code": 100, "message": "Invalid parameter"}}', 3);
select delivery.record_attempt(:db, array(select msg_id from pgmq.q_dispatch where (message->>'event')::bigint = :eb),
  array[:eb]::bigint [], 'rb', 401, '{"error": {"code": 190, "message": "Invalid OAuth access token"}}', 3,
  '{"X-FB-Trace-ID": "Abc", "Set-Cookie": "sid=1", "WWW-Authenticate": "OAuth", "X-Access-Token": "EAAG"}');
select delivery.replay_dead(:'a');
insert into delivery.alerts (company_id, kind, severity, title, diagnosis) values
  (null, 'breaker_opened', 'warning', 'Meta down', 'held');
select delivery.destination_breaker(:da);
select delivery.destination_breaker(:db);

select is((select response_headers from delivery.attempts where request_id = 'rb'), '{"x-fb-trace-id": "Abc"}'::jsonb,
  'stored response headers keep no cookie, auth header or token');

select tests.authenticate_as('alice');
select results_eq($$ select request_id from delivery.attempts $$, array['ra'], 'alice sees only her company''s attempts');
select results_eq($$ select count(*)::int from delivery.dead_letters $$, array[1], 'and only its dead letters');
select results_eq($$ select count(*)::int from delivery.replays $$, array[1], 'and its replays');
select results_eq($$ select event_pk from delivery.event_history $$, array[:ea::bigint], 'the history view applies her RLS');
select results_eq($$ select coalesce(company_id::text, 'meta') from delivery.alerts order by 1 $$,
  array['meta'], 'she sees the Meta-wide alert and none of company B''s (its pause alert)');
select results_eq($$ select scope from delivery.breakers order by scope $$,
  array['destination', 'meta'], 'she sees the Meta breaker and her pixel''s, not B''s');
select throws_ok($$ select ciphertext from app.secrets $$, '42501', null, 'a viewer cannot select a token''s ciphertext');
select throws_ok($$ select delivery.record_attempt(1, '{}', '{}', 'x', 200, '{}', 1) $$, '42501', null,
  'nor record attempts');
select throws_ok($$ select * from delivery.claim(1, '{}', '{}') $$, '42501', null, 'nor claim events (and their ciphertext)');
select throws_ok($$ select * from delivery.replay_dead(null) $$, '42501', null, 'nor replay other companies'' letters');
select throws_ok($$ insert into delivery.breaker_overrides (scope, force, reason, created_by, expires_at)
  values ('meta', 'closed', 'x', 'alice', now() + interval '1 hour') $$, '42501', null, 'nor override a breaker');

select tests.authenticate_as('adam');
select throws_ok($$ select ciphertext from app.secrets $$, '42501', null,
  'a backoffice admin cannot select the ciphertext either');
select results_eq($$ select kind, key_id from app.secrets $$, $$ values ('meta_capi_token', 'k') $$,
  'he sees which secret exists and its key id');

select tests.authenticate_as_anon();
select throws_ok($$ select count(*) from delivery.attempts $$, '42501', null, 'anon reads no attempts');
select throws_ok($$ select count(*) from delivery.breakers $$, '42501', null, 'anon reads no breakers');

select tests.authenticate_as_service_role();
select results_eq($$ select count(*)::int from delivery.attempts $$, array[2], 'the service role sees every attempt');
select results_eq($$ select count(*)::int from app.secrets where ciphertext is not null $$, array[2],
  'and reads ciphertexts (for the dispatcher)');
select tests.clear_authentication();

select * from finish();
rollback;
