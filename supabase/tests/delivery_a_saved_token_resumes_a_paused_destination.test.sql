-- A 190 pauses the destination (diagnosis + alert), its events stay queued and their messages leave the
-- queue; saving the token again (a new ciphertext) resumes it and re-queues everything it held.
-- Re-wrapping under trackai.secret_rotation and other secret kinds do not resume.
begin;
select plan(13);

select tests.create_company('loja') as c \gset
insert into delivery.destinations (company_id, pixel_id) values (:'c', '111222333444') returning id as d \gset
insert into app.secrets (company_id, kind, key_id, ciphertext) values (:'c', 'meta_capi_token', 'k', '\x01'),
  (:'c', 'mercadopago_access_token', 'k', '\x02');
create function pg_temp.event(ref text) returns bigint language sql as $$
  select r.event_pk from tracking.record_event((select id from app.companies where slug = 'loja'), null, 'api', ref,
    'Purchase', now(), 'system_generated', null, '{"em": "a@b.com"}', '{"value": 1, "currency": "BRL"}') r
$$;
select pg_temp.event('1') as e1 \gset
select pg_temp.event('2') as e2 \gset
select pg_temp.event('3') as e3 \gset
-- e2 is waiting for a retry when the token dies
select delivery.record_attempt(:d, array(select msg_id from pgmq.q_dispatch where (message->>'event')::bigint = :e2),
  array[:e2]::bigint [], 'r0', 500, '{"error": {"code": 2, "is_transient": true}}', 3);

select is(delivery.record_attempt(:d, array(select msg_id from pgmq.q_dispatch where (message->>'event')::bigint = :e1),
  array[:e1]::bigint [], 'r1', 401,
  '{"error": {"code": 190, "error_subcode": 460, "message": "Error validating access token: the user changed the password"}}', 3),
  'pause', 'a 190 pauses');
select results_eq($$ select status, paused_reason from delivery.destinations $$, $$ values ('paused', 'token_invalid') $$,
  'the destination is paused with the reason');
select results_eq($$ select status from tracking.events order by id $$, $$ values ('queued'), ('queued'), ('queued') $$,
  'its events are kept queued, the retrying one too - none failed');
select matches((select diagnosis from delivery.alerts where kind = 'destination_paused'),
  'Generate a new token.*Meta said: Error validating access token', 'the alert diagnoses it in Meta''s words');
select is_empty($$ select 1 from pgmq.q_dispatch where (message->>'event')::bigint = $$ || :e1, 'the failed batch left the queue');
select is_empty(format($$ select * from delivery.plan(array(select msg_id from pgmq.q_dispatch
  where (message->>'event')::bigint = %s), array[%s]::bigint []) $$, :e3, :e3),
  'a paused destination''s messages are not planned for sending');
select is_empty($$ select 1 from pgmq.q_dispatch where (message->>'event')::bigint = $$ || :e3,
  'they are dropped from the queue: the event itself stays queued');

update app.secrets set ciphertext = '\x03' where kind = 'mercadopago_access_token';
select set_config('trackai.secret_rotation', 'on', true);
update app.secrets set ciphertext = '\x04', key_id = 'k2' where kind = 'meta_capi_token';
select set_config('trackai.secret_rotation', '', true);
select is((select status from delivery.destinations), 'paused', 'another secret or a key rotation does not resume it');

update app.secrets set ciphertext = '\x05' where kind = 'meta_capi_token';
select results_eq($$ select status, paused_reason, paused_at from delivery.destinations $$,
  $$ values ('active', null::text, null::timestamptz) $$, 'a newly saved token resumes the destination');
select results_eq($$ select distinct (message->>'event')::bigint from pgmq.q_dispatch order by 1 $$,
  format($$ values (%s::bigint), (%s), (%s) $$, :e1, :e2, :e3), 'every held event is back on the queue');
select is((select resolved_at is not null from delivery.alerts where kind = 'destination_paused'), true,
  'the pause alert is resolved');
select is((select details ->> 'requeued' from delivery.alerts where kind = 'destination_resumed'), '3',
  'a resume alert says how many went back');
select is(delivery.resume_destination(:d), 0, 'resuming an active destination is a no-op');

select * from finish();
rollback;
