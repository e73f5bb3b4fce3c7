-- delivery.retry_failed (the API's SQL): marketing and backoffice admins re-queue their own company's
-- dead letters; viewers and other companies' admins cannot; company_id is needed only when the caller
-- administers several companies; anon cannot call it at all.
begin;
select plan(9);

select tests.create_user('mara');
select tests.create_user('vic');
select tests.create_user('bob');
select tests.create_user('multi');
select tests.create_company('company-a') as a \gset
select tests.create_company('company-b') as b \gset
select tests.add_member(:'a', 'mara', 'marketing_admin');
select tests.add_member(:'a', 'vic', 'viewer');
select tests.add_member(:'b', 'bob', 'backoffice_admin');
select tests.add_member(:'a', 'multi', 'backoffice_admin');
select tests.add_member(:'b', 'multi', 'marketing_admin');
insert into delivery.destinations (company_id, pixel_id) values (:'a', '111111111111') returning id as da \gset
insert into delivery.destinations (company_id, pixel_id) values (:'b', '222222222222') returning id as db \gset

create function pg_temp.dead(company uuid, dest bigint, ref text) returns bigint language plpgsql as $$
declare e bigint;
begin
  select r.event_pk into e from tracking.record_event(company, null, 'api', ref, 'Purchase', now(), 'system_generated',
    null, '{"em": "a@b.com"}', '{"value": 1, "currency": "BRL"}') r;
  perform delivery.record_attempt(dest, array(select msg_id from pgmq.q_dispatch where (message->>'event')::bigint = e),
    array[e], 'r', 400, '{"error": {"code": 100, "message": "Invalid parameter"}}', 3);
  return e;
end $$;
select pg_temp.dead(:'a', :da, 'a1') as ea \gset
select pg_temp.dead(:'b', :db, 'b1') as eb \gset

select tests.authenticate_as('vic');
select throws_ok($$ select * from delivery.retry_failed() $$, '42501', null, 'a viewer cannot retry');
select tests.authenticate_as('bob');
select throws_ok(format($$ select * from delivery.retry_failed(%L) $$, :'a'), '42501', null,
  'an admin of company B cannot retry company A''s letters');
select tests.authenticate_as('multi');
select throws_ok($$ select * from delivery.retry_failed() $$, '22023', null,
  'an admin of two companies must say which one');
select tests.authenticate_as('mara');
select results_eq($$ select company_id, replayed from delivery.retry_failed() $$,
  format($$ values (%L::uuid, 1) $$, :'a'), 'a marketing admin retries her company''s letters');
select tests.clear_authentication();
select results_eq($$ select status from tracking.events order by id $$, $$ values ('queued'), ('dead') $$,
  'only company A''s event went back to the queue');
select results_eq($$ select requested_by, actor, via from delivery.replays $$,
  $$ values (tests.user_id('mara'), 'user:' || tests.user_id('mara'), 'api') $$, 'the replay names who asked');
select tests.authenticate_as('mara');
select results_eq($$ select replayed, replay_id from delivery.retry_failed() $$, $$ values (0, null::bigint) $$,
  'nothing left: zero, no replay logged');
select tests.authenticate_as('bob');
select results_eq($$ select replayed from delivery.retry_failed(error_code => 100) $$, array[1],
  'a backoffice admin retries by error code');
select tests.authenticate_as_anon();
select throws_ok($$ select * from delivery.retry_failed() $$, '42501', null, 'anon cannot call it');
select tests.clear_authentication();

select * from finish();
rollback;
